using System.Diagnostics;

namespace Glass.Training;

/// <summary>A single updating status line on stderr: step, chosen figures, steps/s, ETA.</summary>
public sealed class ProgressLine(long totalSteps, long startStep)
{
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly bool _interactive = !Console.IsErrorRedirected;
    TimeSpan _lastPrint = TimeSpan.MinValue;

    /// <summary>Prints at most twice a second when interactive, every call when redirected (logs).</summary>
    public void Update(long step, string figures, bool force = false)
    {
        var now = _clock.Elapsed;
        if (!force && _interactive && now - _lastPrint < TimeSpan.FromMilliseconds(500)) return;
        _lastPrint = now;
        double done = step - startStep;
        double rate = done / Math.Max(now.TotalSeconds, 1e-9);
        var eta = rate > 0 ? TimeSpan.FromSeconds((totalSteps - step) / rate) : TimeSpan.Zero;
        var line = $"step {step}/{totalSteps}  {figures}  {rate:F2} steps/s  ETA {Format(eta)}";
        if (_interactive) Console.Error.Write($"\r{line,-140}");
        else Console.Error.WriteLine(line);
    }

    public void Finish()
    {
        if (_interactive) Console.Error.WriteLine();
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}
