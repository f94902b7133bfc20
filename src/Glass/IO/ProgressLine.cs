using System.Diagnostics;

namespace Glass.IO;

/// <summary>A single self-updating progress line on stderr ("label: 120/1296 videos, 14.2/s, ETA 1m31s"), throttled.</summary>
public sealed class ProgressLine(string label, long total, string unit, TextWriter? writer = null)
{
    readonly TextWriter _writer = writer ?? Console.Error;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly object _lock = new();
    long _lastDrawMs = -1000;
    int _lastLength;

    public void Report(long done, bool force = false)
    {
        lock (_lock)
        {
            var now = _clock.ElapsedMilliseconds;
            if (!force && now - _lastDrawMs < 500) return;
            _lastDrawMs = now;
            var seconds = Math.Max(1e-3, now / 1000.0);
            var rate = done / seconds;
            var eta = rate > 0 && total > done ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
            var text = $"{label}: {done}/{total} {unit}, {rate:F1}/s, ETA {Format(eta)}";
            _writer.Write("\r" + text.PadRight(_lastLength));
            _lastLength = text.Length;
            _writer.Flush();
        }
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Finish(long done)
    {
        Report(done, force: true);
        lock (_lock) _writer.WriteLine();
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
}
