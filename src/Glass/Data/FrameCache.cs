using System.Collections.Concurrent;

namespace Glass.Data;

/// <summary>
/// Decoded, cropped and resized frames (and masks) kept in memory up to a byte budget, so that after the
/// first pass over a small dataset no PNG is decoded again. Entries are never evicted: once the budget is
/// used up, further frames are simply decoded each time (no thrashing on large datasets).
/// Thread-safe; shared by the loader's workers.
/// </summary>
public sealed class FrameCache(long budgetBytes)
{
    readonly ConcurrentDictionary<(int Video, int Frame, bool Mask), byte[]> _entries = new();
    long _used;

    public long BudgetBytes { get; } = Math.Max(0, budgetBytes);
    public long UsedBytes => Interlocked.Read(ref _used);
    public int Count => _entries.Count;

    public byte[] GetOrAdd(int video, int frame, bool mask, Func<byte[]> decode)
    {
        var key = (video, frame, mask);
        if (_entries.TryGetValue(key, out var hit)) return hit;
        var value = decode();
        if (Interlocked.Read(ref _used) + value.Length <= BudgetBytes && _entries.TryAdd(key, value))
            Interlocked.Add(ref _used, value.Length);
        return value;
    }
}
