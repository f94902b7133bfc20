using System.Diagnostics;

namespace Glass.IO;

/// <summary>
/// One self-updating progress line ("train: 120/2400 steps  loss 0.21  0.55/s  ETA 51m00s"), at most twice a
/// second. On a terminal it redraws in place; when the stream is redirected (a log file) each draw is a new line.
/// </summary>
/// <param name="start">work already done before this process started (a resumed run): excluded from the rate</param>
public sealed class ProgressLine(string label, long total, string unit, TextWriter? writer = null, long start = 0)
{
    readonly TextWriter _writer = writer ?? Console.Error;
    readonly bool _inPlace = writer is null && !Console.IsErrorRedirected;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly object _lock = new();
    long _lastDrawMs = -1000;
    int _lastLength;

    public void Report(long done, string? detail = null, bool force = false)
    {
        lock (_lock)
        {
            var now = _clock.ElapsedMilliseconds;
            if (!force && now - _lastDrawMs < 500) return;
            _lastDrawMs = now;
            var rate = (done - start) / Math.Max(1e-3, now / 1000.0);
            var eta = rate > 0 && total > done ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
            var text = $"{label}: {done}/{total} {unit}{(detail is null ? "" : "  " + detail)}  {rate:F2}/s  ETA {Format(eta)}";
            if (_inPlace)
            {
                _writer.Write("\r" + text.PadRight(_lastLength));
                _lastLength = text.Length;
            }
            else _writer.WriteLine(text);
            _writer.Flush();
        }
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Finish(long done, string? detail = null)
    {
        Report(done, detail, force: true);
        lock (_lock) if (_inPlace) _writer.WriteLine();
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.Seconds}s";
}
