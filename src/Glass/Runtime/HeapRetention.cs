using System.Runtime.InteropServices;

namespace Glass.Runtime;

/// <summary>
/// Keeps freed tensor memory inside the process (glibc's malloc settings). By default glibc hands a freed block
/// above its mmap threshold (128 KiB, adapting up to 32 MiB) straight back to the kernel, and trims the heap once
/// 128 KiB at its top are free. A training step frees and re-allocates the same activations (megabytes each) every
/// step, so each of their pages was mapped afresh and faulted in again: 57 000 page faults per step of
/// configs/wsprites-narrowed.yaml. With the settings below freed memory is reused, as PyTorch users get from
/// jemalloc or tcmalloc; resident memory then stays at the run's peak instead of breathing around it.
/// <c>GLASS_MALLOC=default</c> keeps glibc's own behaviour (for side-by-side measurements).
/// </summary>
public static class HeapRetention
{
    const int M_TRIM_THRESHOLD = -1, M_MMAP_MAX = -4;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    static readonly Lazy<string> Applied = new(Apply);

    /// <summary>What is in effect: "retain freed memory" or why not ("glibc defaults (...)").</summary>
    public static string Mode => Applied.Value;

    /// <summary>Applies the settings once per process (idempotent).</summary>
    public static void Ensure() => _ = Applied.Value;

    static string Apply()
    {
        if (!OperatingSystem.IsLinux()) return "the platform's defaults (not Linux)";
        if (Environment.GetEnvironmentVariable("GLASS_MALLOC") == "default") return "glibc defaults (GLASS_MALLOC=default)";
        try
        {
            // No mmap'd blocks (every size comes from the heaps, where a freed block is reused) and no trimming.
            bool ok = Mallopt(M_MMAP_MAX, 0) == 1 & Mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
            return ok ? "retain freed memory (glibc mallopt: no mmap blocks, no trimming)" : "glibc defaults (mallopt refused)";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return "the C library's defaults (no glibc mallopt)";
        }
    }
}
