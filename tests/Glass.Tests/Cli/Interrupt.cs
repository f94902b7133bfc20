namespace Glass.Tests.Cli;

/// <summary>Sends a child process the Ctrl-C signal.</summary>
public static class Interrupt
{
    /// <summary>
    /// SIGINT, as a terminal's Ctrl-C; but when this test process was started with SIGINT ignored (a background
    /// job of a non-interactive shell, nohup), children inherit the ignore and the runtime keeps it, so SIGTERM is
    /// sent instead: our commands handle both with the same code path.
    /// </summary>
    public static void Send(int pid)
    {
        var signal = SigIntIgnoredHere() ? "-TERM" : "-INT";
        System.Diagnostics.Process.Start("kill", [signal, pid.ToString()])!.WaitForExit();
    }

    static bool SigIntIgnoredHere()
    {
        if (!OperatingSystem.IsLinux()) return false;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:"));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0; // bit 1 = signal 2
    }
}
