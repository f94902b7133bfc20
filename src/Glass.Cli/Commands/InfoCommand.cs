using System.CommandLine;
using Glass.Checkpoints;
using Glass.Config;
using Glass.Model.Kernels;
using Glass.Runtime;
using TorchSharp;

namespace Glass.Cli.Commands;

/// <summary>`glass info`: checks that libtorch loads and prints the CPU, the libtorch build, threads
/// (<see cref="RuntimeReport"/>) and what the convolution self-check finds on this machine (docs/cpu-kernels.md).</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var threads = new Option<int?>("--threads") { Description = "libtorch threads to check at (default: libtorch's choice, one per core)" };
        var configs = new Option<string[]>("--config") { Description = "Check the convolutions of this model: a YAML config or a .glass checkpoint (repeatable; default: the paper configuration and the shipped CPU model)", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "List every convolution case checked, not only the notable ones" };
        var precision = new Option<string>("--convolution-precision")
        {
            Description = "Check the convolutions as they run in this precision: float32 or bfloat16 (runtime.convolution_precision)",
            DefaultValueFactory = _ => "float32",
        };
        precision.AcceptOnlyFromAmong([.. RuntimeConfig.ConvolutionPrecisions]);
        var command = new Command("info", "Check the installation: CPU, libtorch build, threads, and a self-check of the model's convolution kernels against float64.") { threads, configs, all, precision };
        command.SetGuardedAction((result, _) =>
        {
            TorchRuntime.Initialize(RuntimeOptions.CheckThreads(result.GetValue(threads) ?? 0));
            foreach (var line in RuntimeReport.Lines()) Console.WriteLine(line);
            var dtype = TorchRuntime.ConvolutionPrecision(result.GetValue(precision)!);
            Console.WriteLine($"convolution self-check at {torch.get_num_threads()} thread(s): {result.GetValue(precision)} against float64 (docs/cpu-kernels.md)");
            foreach (var (label, config) in Models(result.GetValue(configs)))
                foreach (var line in ModelKernelSurvey.Describe(label, ModelKernelSurvey.Run(config, dtype), result.GetValue(all))) Console.WriteLine(line);
            return 0;
        });
        return command;
    }

    /// <summary>The models to check: the given configs and checkpoints, else the paper's and the shipped one.</summary>
    static IEnumerable<(string Label, ModelConfig Config)> Models(string[]? paths)
    {
        if (paths is not { Length: > 0 })
        {
            yield return ("paper configuration (configs/wsprites.yaml)", new ModelConfig());
            var shipped = ShippedCheckpoint.Resolve(ShippedCheckpoint.Default);
            paths = File.Exists(shipped) ? [shipped] : [];
        }
        foreach (var path in paths)
        {
            var config = ModelStore.ConfigOf(path);
            yield return ($"{path} ({config.Name})", config.Model);
        }
    }
}
