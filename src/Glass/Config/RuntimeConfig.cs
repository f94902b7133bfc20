using System.Text.RegularExpressions;

namespace Glass.Config;

/// <summary>`runtime:` (ours) — where and how tensors are computed.</summary>
public sealed partial class RuntimeConfig
{
    /// <summary>A torch device string: "cpu", "cuda", "cuda:1".</summary>
    public string Device { get; set; } = "cpu";
    /// <summary>libtorch intra-op threads (0 = libtorch's default).</summary>
    public int Threads { get; set; }

    /// <summary>Whether <paramref name="name"/> is a device name torch knows: the one pattern for the config and the CLI.</summary>
    public static bool IsDeviceName(string name) => DevicePattern().IsMatch(name);

    [GeneratedRegex(@"^(cpu|cuda(:\d+)?|mps)$")]
    private static partial Regex DevicePattern();
}
