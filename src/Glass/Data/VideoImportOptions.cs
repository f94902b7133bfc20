namespace Glass.Data;

/// <summary>Settings of <see cref="VideoImporter"/> (<c>glass data import</c>).</summary>
public sealed class VideoImportOptions
{
    /// <summary>Folder whose files are the videos (not recursive).</summary>
    public required string VideosDir { get; set; }
    /// <summary>Dataset folder to write (train/, val/, test/).</summary>
    public required string OutputDir { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    /// <summary>Resample to this frame rate; null keeps every frame.</summary>
    public double? Fps { get; set; }
    /// <summary>Train/val/test fractions of the videos (cut like the reference's flat style, after a seeded shuffle).</summary>
    public double[] Split { get; set; } = [0.8, 0.1, 0.1];
    public long Seed { get; set; } = 1;

    public void Validate()
    {
        if (Width is <= 0 or > 4096 || Height is <= 0 or > 4096) throw new GlassException($"frame size {Width} {Height}: must be two sizes in 1..4096") { Input = GlassInput.Size };
        if (Fps is { } f && !(f > 0 && f <= 1000)) throw new GlassException($"frame rate {f}: must be in (0, 1000]") { Input = GlassInput.Fps };
        if (Split.Length != 3 || Split.Any(s => s < 0 || double.IsNaN(s)) || Math.Abs(Split.Sum() - 1) > 1e-6)
            throw new GlassException($"split [{string.Join(", ", Split)}]: must be three non-negative fractions summing to 1") { Input = GlassInput.Split };
    }
}
