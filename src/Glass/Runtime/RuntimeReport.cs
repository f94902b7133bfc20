using Glass.Model.Kernels;
using TorchSharp;

namespace Glass.Runtime;

/// <summary>What `glass info` says about this machine and the libtorch in use: the CPU and the instruction sets that
/// pick oneDNN's kernels, the build's versions, threads, NNPACK, and a first tensor computed.</summary>
public static class RuntimeReport
{
    /// <summary>One line per item, a label column then the finding; call after <see cref="TorchRuntime.Initialize"/>.</summary>
    public static IEnumerable<string> Lines()
    {
        var cpu = CpuDescription.Read();
        yield return $"CPU           {Or(cpu.ModelName, "unknown")} ({Or(cpu.Vendor, "?")}, family {Or(cpu.Family, "?")}, model {Or(cpu.Model, "?")}), {Environment.ProcessorCount} logical CPUs";
        yield return $"ISA           {(cpu.Flags.Count == 0 ? "unknown (no /proc/cpuinfo flags)" : string.Join(", ", CpuDescription.KernelFlags.Select(f => $"{f} {(cpu.Flags.Contains(f) ? "yes" : "no")}")))}";
        var build = LibTorchBuild.Read();
        yield return $"libtorch      {build.Torch ?? "version unknown"} (TorchSharp {typeof(torch).Assembly.GetName().Version}); " +
            $"oneDNN {(build.OneDnn is null ? "unknown" : $"v{build.OneDnn} ({build.OneDnnCommit})")}; ATen CPU capability {build.CpuCapability ?? "unknown"}; " +
            $"MKL {build.Mkl ?? "unknown"}; OpenMP {build.OpenMp ?? "unknown"}";
        yield return $"threads       {torch.get_num_threads()} (libtorch intra-op); CUDA available: {torch.cuda.is_available()}";
        yield return $"NNPACK        {(LibTorchNative.NnpackEnabled() switch { false => "off (Glass switches it off: never used, and its start-up warning is noise)", true => "on", null => "unknown" })}";
        yield return $"malloc        {HeapRetention.Mode}";
        yield return $"convolutions  {(ConvolutionKernels.Process.Force == ConvolutionFormulation.Direct
            ? $"direct: libtorch's kernels as they are, no workaround ({ConvolutionKernels.EnvironmentVariable}=direct, for a diagnosis)"
            : $"guarded: known faults routed around by rule, other cases checked once against float64 ({ConvolutionKernels.EnvironmentVariable}=direct switches this off)")}";
        using var x = torch.ones(2, 3);
        yield return $"tensor check  sum(ones(2,3)) = {x.sum().item<float>()}";
    }

    static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;
}
