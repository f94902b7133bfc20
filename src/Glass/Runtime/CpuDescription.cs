namespace Glass.Runtime;

/// <summary>The CPU as Linux describes it in /proc/cpuinfo (first processor); empty fields elsewhere.</summary>
public sealed record CpuDescription(string ModelName, string Vendor, string Family, string Model, IReadOnlySet<string> Flags)
{
    /// <summary>The instruction sets that decide which oneDNN kernels run.</summary>
    public static readonly string[] KernelFlags = ["avx2", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"];

    public static CpuDescription Read(string path = "/proc/cpuinfo")
    {
        var fields = new Dictionary<string, string>();
        if (File.Exists(path))
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0 && fields.Count > 0) break; // the first processor is enough
                int colon = line.IndexOf(':');
                if (colon > 0) fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
            }
        string Field(string name) => fields.TryGetValue(name, out var v) ? v : "";
        var flags = Field("flags").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        return new CpuDescription(Field("model name"), Field("vendor_id"), Field("cpu family"), Field("model"), flags);
    }
}
