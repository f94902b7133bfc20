using System.Text.RegularExpressions;

namespace Glass.Config;

/// <summary>`runtime:` (ours) — where and how tensors are computed.</summary>
public sealed partial class RuntimeConfig
{
    /// <summary>A torch device string: "cpu", "cuda", "cuda:1".</summary>
    public string Device { get; set; } = "cpu";
    /// <summary>libtorch intra-op threads (0 = libtorch's default).</summary>
    public int Threads { get; set; }
    /// <summary>"float32" (default) or "bfloat16": CPU convolutions in bfloat16 with float32 master weights
    /// (Model/Kernels/ConvolutionKernels.Precision); faster only where oneDNN has bfloat16 kernels (docs/training.md).</summary>
    public string ConvolutionPrecision { get; set; } = "float32";

    /// <summary>The values <see cref="ConvolutionPrecision"/> takes.</summary>
    public static readonly IReadOnlyList<string> ConvolutionPrecisions = ["float32", "bfloat16"];

    /// <summary>Whether <paramref name="name"/> is a device name torch knows: the one pattern for the config and the CLI.</summary>
    public static bool IsDeviceName(string name) => DevicePattern().IsMatch(name);

    [GeneratedRegex(@"^(cpu|cuda(:\d+)?|mps)$")]
    private static partial Regex DevicePattern();
}
