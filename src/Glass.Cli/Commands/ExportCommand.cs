using System.CommandLine;
using Glass.Checkpoints;
using Glass.IO;
using Glass.Runtime;

namespace Glass.Cli.Commands;

/// <summary>`glass export`: a weights-only copy of one of our checkpoints (to ship or share), or a
/// flat PyTorch state_dict that `model.load_state_dict(torch.load(path))` reads.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "one of our checkpoints (.glass)", Required = true };
        var output = new Option<string>("--out") { Description = "file to write", Required = true };
        var weightsOnly = new Option<bool>("--weights-only") { Description = "drop the optimizer and RNG state (a smaller file to ship) and reset runtime.convolution_precision to float32" };
        var pytorch = new Option<bool>("--pytorch") { Description = "write a PyTorch state_dict (torch.save format) instead of our format" };
        var force = new Option<bool>("--force") { Description = "overwrite an existing file" };
        var command = new Command("export", "Write a weights-only checkpoint or a PyTorch state_dict from one of our checkpoints.")
        {
            checkpoint, output, weightsOnly, pytorch, force,
        };
        command.SetGuardedAction((r, _) =>
        {
            TorchRuntime.Initialize();
            var target = r.GetValue(output)!;
            OutputFile.Prepare(target, r.GetValue(force));
            using var c = GlassCheckpoint.Read(r.GetValue(checkpoint)!);
            if (r.GetValue(pytorch)) c.ExportStateDict(target);
            else
            {
                if (r.GetValue(weightsOnly))
                {
                    c.OptimizerState = null;
                    c.OptimizerType = null;
                    c.RngState = null;
                    // bfloat16 convolutions are a training speed choice: a shipped model runs in float32 unless its user asks.
                    var defaults = new Config.RuntimeConfig();
                    if (c.Config.Runtime.ConvolutionPrecision != defaults.ConvolutionPrecision)
                    {
                        Console.WriteLine($"runtime.convolution_precision: {c.Config.Runtime.ConvolutionPrecision} (the run's) -> {defaults.ConvolutionPrecision}; pass --convolution-precision to a command to choose");
                        c.Config.Runtime.ConvolutionPrecision = defaults.ConvolutionPrecision;
                    }
                }
                c.Save(target);
            }
            Console.WriteLine($"wrote {target} ({new FileInfo(target).Length / 1024.0 / 1024.0:F1} MiB, step {c.GlobalStep})");
            return 0;
        });
        return command;
    }
}
