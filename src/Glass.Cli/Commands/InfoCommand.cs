using System.CommandLine;
using Glass.Checkpoints;
using Glass.Config;
using Glass.IO;
using Glass.Model.Kernels;
using Glass.Runtime;
using TorchSharp;

namespace Glass.Cli.Commands;

/// <summary>`glass info`: checks that libtorch loads and prints the CPU, the libtorch build, threads and what
/// the convolution self-check finds on this machine (docs/cpu-kernels.md).</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var threads = new Option<int?>("--threads") { Description = "libtorch threads to check at (default: libtorch's choice, one per core)" };
        var configs = new Option<string[]>("--config")
        {
            Description = "Check the convolutions of this model: a YAML config or a .glass checkpoint (repeatable; default: the paper configuration and the shipped CPU model)",
            AllowMultipleArgumentsPerToken = true,
        };
        var all = new Option<bool>("--all") { Description = "List every convolution case checked, not only the notable ones" };
        var command = new Command("info", "Check the installation: CPU, libtorch build, threads, and a self-check of the model's convolution kernels against float64.");
        command.Options.Add(threads);
        command.Options.Add(configs);
        command.Options.Add(all);
        command.SetGuardedAction((result, _) =>
        {
            int? n = result.GetValue(threads);
            if (n is < 0) throw new GlassException($"--threads: {n} must be >= 0 (0 = libtorch's default)");
            TorchRuntime.Initialize(n ?? 0);
            PrintRuntime();
            Console.WriteLine($"convolution self-check at {torch.get_num_threads()} thread(s): float32 against float64 (docs/cpu-kernels.md)");
            foreach (var (label, config) in Models(result.GetValue(configs)))
                PrintChecks(label, ModelKernelSurvey.Run(config), result.GetValue(all));
            return 0;
        });
        return command;
    }

    static void PrintRuntime()
    {
        var cpu = CpuDescription.Read();
        Console.WriteLine($"CPU           {Or(cpu.ModelName, "unknown")} ({Or(cpu.Vendor, "?")}, family {Or(cpu.Family, "?")}, model {Or(cpu.Model, "?")}), {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine($"ISA           {(cpu.Flags.Count == 0 ? "unknown (no /proc/cpuinfo flags)" : string.Join(", ", CpuDescription.KernelFlags.Select(f => $"{f} {(cpu.Flags.Contains(f) ? "yes" : "no")}")))}");
        var build = LibTorchBuild.Read();
        Console.WriteLine($"libtorch      {build.Torch ?? "version unknown"} (TorchSharp {typeof(torch).Assembly.GetName().Version}); " +
            $"oneDNN {(build.OneDnn is null ? "unknown" : $"v{build.OneDnn} ({build.OneDnnCommit})")}; ATen CPU capability {build.CpuCapability ?? "unknown"}; " +
            $"MKL {build.Mkl ?? "unknown"}; OpenMP {build.OpenMp ?? "unknown"}");
        Console.WriteLine($"threads       {torch.get_num_threads()} (libtorch intra-op); CUDA available: {torch.cuda.is_available()}");
        Console.WriteLine($"NNPACK        {(LibTorchNative.NnpackEnabled() switch { false => "off (Glass switches it off: never used, and its start-up warning is noise)", true => "on", null => "unknown" })}");
        using var x = torch.ones(2, 3);
        Console.WriteLine($"tensor check  sum(ones(2,3)) = {x.sum().item<float>()}");
    }

    static IEnumerable<(string Label, ModelConfig Config)> Models(string[]? paths)
    {
        if (paths is { Length: > 0 })
        {
            foreach (var path in paths)
            {
                var config = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                    ? GlassConfig.Load(path) : ModelStore.Open(path).Config;
                yield return ($"{path} ({config.Name})", config.Model);
            }
            yield break;
        }
        yield return ("paper configuration (configs/wsprites.yaml)", new ModelConfig());
        var shipped = File.Exists(DemoCommand.DefaultCheckpoint) ? DemoCommand.DefaultCheckpoint : DemoCommand.FindShipped();
        if (shipped is null) yield break;
        var stored = ModelStore.Open(shipped).Config;
        yield return ($"{shipped} ({stored.Name})", stored.Model);
    }

    static void PrintChecks(string label, IReadOnlyList<KernelCheck> checks, bool all)
    {
        int wrong = checks.Count(c => !c.DirectRight), byRule = checks.Count(c => c.ByRule != ConvolutionFormulation.Direct);
        double seconds = checks.Sum(c => c.Elapsed.TotalSeconds);
        var verdict = wrong == 0 ? "the fast kernel is right in every case" : $"the fast kernel is WRONG in {wrong}";
        Console.WriteLine($"  {label}: {checks.Count} cases in {seconds:F2} s; {verdict}; {byRule} routed around a known fault by rule");
        foreach (var c in checks.Where(c => all || !c.DirectRight || c.ByRule != ConvolutionFormulation.Direct || c.Switched))
            Console.WriteLine($"    {c}");
    }

    static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
}
