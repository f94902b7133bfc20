namespace Glass.Config;

/// <summary>`runtime:` (ours) — where and how tensors are computed.</summary>
public sealed class RuntimeConfig
{
    /// <summary>A torch device string: "cpu", "cuda", "cuda:1".</summary>
    public string Device { get; set; } = "cpu";
    /// <summary>libtorch intra-op threads (0 = libtorch's default).</summary>
    public int Threads { get; set; }
}
