using System.Diagnostics;
using System.Security.Cryptography;

using Glass.IO;

namespace Glass.Web.Play;

/// <summary>
/// One browser tab's game: its starting image, its own recurrent state (an <see cref="IPlayback"/>
/// of batch 1) and the frames played so far. Everything but the id, the rate limiter and the
/// activity clock is touched only while holding <see cref="Gate"/>; the playback only on the model thread.
/// </summary>
public sealed class PlaySession(TokenBucket bucket)
{
    long lastActive = Stopwatch.GetTimestamp();

    /// <summary>128 random bits: sessions cannot be guessed, so one tab cannot read another's frames.</summary>
    public string Id { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    public TokenBucket Bucket { get; } = bucket;
    /// <summary>One operation at a time per session: a step waits for nothing, it is refused when another is running.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public bool Closed { get; set; }

    public RgbImage? Start { get; set; }
    public string StartLabel { get; set; } = "";
    public IPlayback? Playback { get; set; }
    /// <summary>Frames played since the start image (index 0), oldest dropped beyond the cap.</summary>
    public List<RgbImage> Frames { get; } = [];
    /// <summary>Steps played since the start image (may exceed the frames kept).</summary>
    public int StepCount { get; set; }
    public int LocalAction { get; set; }
    /// <summary>Local-action preview strips (PNG) for the current start image, computed on first request.</summary>
    public byte[][]? Previews { get; set; }
    /// <summary>Files of this session in the server's temp folder (uploads), deleted on close.</summary>
    public List<string> TempFiles { get; } = [];

    public TimeSpan Idle => Stopwatch.GetElapsedTime(Interlocked.Read(ref lastActive));
    public void Touch() => Interlocked.Exchange(ref lastActive, Stopwatch.GetTimestamp());
}
