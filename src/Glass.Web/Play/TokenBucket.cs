using System.Diagnostics;

namespace Glass.Web.Play;

/// <summary>A token bucket: bursts up to <c>capacity</c>, then <c>ratePerSecond</c> sustained. Thread-safe.</summary>
public sealed class TokenBucket
{
    readonly Lock gate = new();
    readonly double capacity, ratePerSecond;
    double tokens;
    long last = Stopwatch.GetTimestamp();

    public TokenBucket(double capacity, double ratePerSecond)
    {
        this.capacity = tokens = capacity;
        this.ratePerSecond = ratePerSecond;
    }

    public bool TryTake()
    {
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            tokens = Math.Min(capacity, tokens + Stopwatch.GetElapsedTime(last, now).TotalSeconds * ratePerSecond);
            last = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }
}
