using System.Diagnostics;

namespace Glass.Evaluation;

/// <summary>A single updating progress line on stderr ("evaluate [=====     ] 12/40 clips, 1.3 s/clip, ~36 s
/// left"). When stderr is redirected (a log file), it prints a plain line at most every 10% instead.</summary>
public sealed class ProgressLine(string label, int total, TextWriter? output = null, bool? interactive = null)
{
    readonly TextWriter output = output ?? Console.Error;
    readonly bool interactive = interactive ?? !Console.IsErrorRedirected;
    readonly Stopwatch clock = Stopwatch.StartNew();
    int lastDecile = -1;
    int lastLength;

    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Reports <paramref name="done"/> of the total units (with an optional phase, e.g. "FID").</summary>
    public void Report(int done, string unit = "clips", string? phase = null)
    {
        double fraction = total > 0 ? Math.Clamp((double)done / total, 0, 1) : 1;
        double perUnit = done > 0 ? clock.Elapsed.TotalSeconds / done : double.NaN;
        string eta = done > 0 && done < total ? $", ~{Format(TimeSpan.FromSeconds(perUnit * (total - done)))} left" : "";
        const int width = 24;
        int filled = (int)Math.Round(fraction * width);
        string bar = new string('=', filled) + new string(' ', width - filled);
        string rate = double.IsFinite(perUnit) ? $", {perUnit:0.0#} s/{unit.TrimEnd('s')}" : "";
        string text = $"{label}{(phase is null ? "" : " " + phase)} [{bar}] {done}/{total} {unit}{rate}{eta}";
        if (interactive)
        {
            output.Write("\r" + text.PadRight(lastLength));
            lastLength = text.Length;
            output.Flush();
        }
        else
        {
            int decile = (int)(fraction * 10);
            if (decile == lastDecile && done < total) return;
            lastDecile = decile;
            output.WriteLine(text);
        }
    }

    /// <summary>Ends the line (interactive mode) with a closing message.</summary>
    public void Finish(string message)
    {
        if (interactive && lastLength > 0) output.Write("\r" + new string(' ', lastLength) + "\r");
        output.WriteLine($"{label}: {message} ({Format(clock.Elapsed)})");
        output.Flush();
    }

    static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.0}s";
}
