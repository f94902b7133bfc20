using System.Text.RegularExpressions;

namespace Glass.Runtime;

/// <summary>Versions of the libtorch build in use, read from at::show_config() (null where not found).</summary>
public sealed record LibTorchBuild(string? Torch, string? OneDnn, string? OneDnnCommit, string? Mkl, string? OpenMp, string? CpuCapability)
{
    public static LibTorchBuild Read()
    {
        var config = LibTorchNative.ShowConfig() ?? "";
        string? Find(string pattern) => Regex.Match(config, pattern) is { Success: true } m ? m.Groups[1].Value : null;
        return new LibTorchBuild(
            Find(@"TORCH_VERSION=([^,\s]+)"),
            Find(@"(?:oneDNN|MKL-DNN) v([\d.]+)"),
            Find(@"(?:oneDNN|MKL-DNN) v[\d.]+ \(Git Hash ([0-9a-f]{8})"),
            Find(@"Math Kernel Library Version ([\d.]+)"),
            Find(@"a\.k\.a\. OpenMP ([\d.]+)"),
            LibTorchNative.CpuCapability());
    }
}
