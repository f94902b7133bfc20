using static TorchSharp.torch;

namespace Glass.Data;

/// <summary>
/// One batch of clips and, when the dataset records them, their ground truth (null otherwise).
/// Metadata entry t describes the move from frame t-1 to frame t (see <see cref="VideoMetadata"/>).
/// Owns its tensors: dispose it, or move them out of it.
/// </summary>
public sealed class ClipBatch : IDisposable
{
    /// <summary>(B, T, 3, H, W) float in [-1, 1].</summary>
    public required Tensor Observations { get; init; }
    /// <summary>(B, T, 1, H, W) float in [0, 1], or null.</summary>
    public Tensor? Masks { get; init; }
    /// <summary>(B, T) int64 global action ids (l=0, r=1, u=2, d=3, s=4), or null.</summary>
    public Tensor? GlobalActions { get; init; }
    /// <summary>(B, T, 2) float foreground shifts (dx, dy) in normalized units, or null.</summary>
    public Tensor? Shifts { get; init; }
    /// <summary>(B, T) int64 local action labels, or null.</summary>
    public Tensor? LocalActions { get; init; }
    /// <summary>(B, T, 2) float background shifts (dx, dy) in normalized units, or null.</summary>
    public Tensor? BackgroundShifts { get; init; }
    /// <summary>(B) int64 character identity (-1 when unknown).</summary>
    public required Tensor Identities { get; init; }
    /// <summary>Video folder names, one per clip.</summary>
    public required string[] VideoNames { get; init; }
    /// <summary>Index of each clip's first frame in its video.</summary>
    public required int[] InitialFrames { get; init; }

    public int BatchSize => (int)Observations.shape[0];
    public int Frames => (int)Observations.shape[1];

    /// <summary>The first <paramref name="frames"/> frames of every clip (views, new batch object; dispose both).</summary>
    public ClipBatch FirstFrames(int frames)
    {
        if (frames <= 0 || frames > Frames) throw new GlassException($"cannot take {frames} frames from clips of {Frames}");
        Tensor? Cut(Tensor? t) => t?.narrow(1, 0, frames);
        return new ClipBatch
        {
            Observations = Cut(Observations)!,
            Masks = Cut(Masks),
            GlobalActions = Cut(GlobalActions),
            Shifts = Cut(Shifts),
            LocalActions = Cut(LocalActions),
            BackgroundShifts = Cut(BackgroundShifts),
            Identities = Identities.alias(),
            VideoNames = VideoNames,
            InitialFrames = InitialFrames,
        };
    }

    public void Dispose()
    {
        Observations.Dispose();
        Masks?.Dispose();
        GlobalActions?.Dispose();
        Shifts?.Dispose();
        LocalActions?.Dispose();
        BackgroundShifts?.Dispose();
        Identities.Dispose();
    }
}
