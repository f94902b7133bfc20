namespace Glass.Web;

/// <summary>Settings of a playground server; the defaults are what `glass serve` uses.</summary>
public sealed record PlaygroundOptions
{
    /// <summary>Address to bind. Loopback unless the user asks otherwise (the server has no authentication).</summary>
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;
    /// <summary>Steps per second while a key is held (the page plays at this steady rate).</summary>
    public double FramesPerSecond { get; init; } = 12;
    /// <summary>Sessions idle this long are closed and their state freed.</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>How often idle sessions are looked for.</summary>
    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Concurrent sessions (browser tabs); more get 503.</summary>
    public int MaxSessions { get; init; } = 32;
    /// <summary>Frames kept per session for the GIF/MP4 download (oldest dropped beyond).</summary>
    public int MaxFramesPerSession { get; init; } = 600;
    /// <summary>Per-session request budget: burst size and sustained requests per second; beyond, 429.</summary>
    public double RequestBurst { get; init; } = 40;
    public double RequestsPerSecond { get; init; } = 30;
    /// <summary>New sessions per second across all clients (burst 2x); beyond, 429.</summary>
    public double SessionsPerSecond { get; init; } = 5;
    /// <summary>Model jobs allowed to wait; beyond, 503.</summary>
    public int ModelQueueCapacity { get; init; } = 64;
    /// <summary>Upload limits: encoded bytes and decoded pixels.</summary>
    public long MaxUploadBytes { get; init; } = 8 * 1024 * 1024;
    public long MaxUploadPixels { get; init; } = 16_000_000;
    /// <summary>Largest |dx| or |dy| a step may ask for, in normalised units (2 = the whole frame).</summary>
    public float MaxShift { get; init; } = 1f;
    /// <summary>Generated frames per local-action preview on the buttons (after the start image).</summary>
    public int PreviewSteps { get; init; } = 4;
    /// <summary>Folder for uploads and video exports; null = a fresh folder under the system temp folder, deleted on stop.</summary>
    public string? TempRoot { get; init; }
}
