namespace Glass.Data;

/// <summary>
/// A small, fully specified PRNG (xoshiro256** seeded through SplitMix64) for data generation:
/// unlike System.Random its sequence is fixed by this file, so a seed gives the same dataset on any
/// .NET version, and independent streams per (seed, identity, video) make parallel output identical
/// to sequential output.
/// </summary>
public sealed class DeterministicRandom
{
    ulong _s0, _s1, _s2, _s3;

    public DeterministicRandom(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm); _s1 = SplitMix(ref sm); _s2 = SplitMix(ref sm); _s3 = SplitMix(ref sm);
    }

    /// <summary>An independent stream for a seed and a path of keys (e.g. identity, video index).</summary>
    public static DeterministicRandom For(long seed, params long[] keys)
    {
        var h = (ulong)seed ^ 0x9E3779B97F4A7C15UL;
        foreach (var k in keys)
        {
            var s = h ^ (ulong)k * 0xBF58476D1CE4E5B9UL;
            h = SplitMix(ref s);
        }
        return new DeterministicRandom(h);
    }

    static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        var result = RotL(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        // Rejection sampling keeps it exactly uniform.
        var limit = ulong.MaxValue - ulong.MaxValue % (ulong)n;
        ulong v;
        do v = NextUInt64(); while (v >= limit);
        return (int)(v % (ulong)n);
    }

    /// <summary>Uniform integer in [lo, hi] (both inclusive, like Python's randint).</summary>
    public int NextInt(int lo, int hi) => lo + NextInt(hi - lo + 1);

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public T Choice<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
