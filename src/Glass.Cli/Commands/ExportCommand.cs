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
        var config = new Option<string?>("--config") { Description = "YAML config that replaces the stored one (it must describe the same model; e.g. to change generation.actions of a model to ship)" };
        var force = new Option<bool>("--force") { Description = "overwrite an existing file" };
        var command = new Command("export", "Write a weights-only checkpoint or a PyTorch state_dict from one of our checkpoints.")
        {
            checkpoint, output, config, weightsOnly, pytorch, force,
        };
        command.SetGuardedAction((r, _) =>
        {
            TorchRuntime.Initialize();
            var target = r.GetValue(output)!;
            var (source, configPath) = (r.GetValue(checkpoint)!, r.GetValue(config));
            if (configPath is not null && r.GetValue(pytorch))
                throw new GlassException("--config: a PyTorch state_dict carries no configuration; leave out --config or --pytorch") { Input = GlassInput.Config };
            // Checked before anything is written: the given config must describe the checkpoint's model.
            var replacement = configPath is null ? null : ModelStore.Open(source, configPath).Config;
            OutputFile.Prepare(target, r.GetValue(force));
            using var c = GlassCheckpoint.Read(source);
            if (r.GetValue(pytorch)) c.ExportStateDict(target);
            else
            {
                if (replacement is not null)
                {
                    c.Config = replacement;
                    Console.WriteLine($"configuration: {configPath} (same model; replaces the checkpoint's)");
                }
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
