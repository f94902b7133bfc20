namespace Glass.Data.WSprites;

/// <summary>Settings of a W-Sprites generation run (defaults are the paper's: all identities, 10 videos of 90 frames).</summary>
public sealed class WSpritesOptions
{
    /// <summary>Dataset folder; gets train/, val/, test/ and wsprites.json.</summary>
    public required string OutputDir { get; set; }
    /// <summary>How many identities to use (null = all); a subset is spread evenly over the identity numbers.</summary>
    public int? Identities { get; set; }
    public int VideosPerIdentity { get; set; } = 10;
    public int Frames { get; set; } = 90;
    public long Seed { get; set; } = 1;
    /// <summary>Parallel videos (0 = all cores).</summary>
    public int Threads { get; set; }
    /// <summary>Fractions of identities in train and val (the rest is test); the reference's 0.8 / 0.1.</summary>
    public double TrainFraction { get; set; } = 0.8;
    public double ValFraction { get; set; } = 0.1;

    /// <summary>The defaults of a run: the paper's for LPC sheets; for the built-in characters a smaller dataset, enough
    /// identities for the split and small enough to cache at 64x48.</summary>
    public static WSpritesOptions Defaults(string outputDir, bool builtin) => builtin
        ? new() { OutputDir = outputDir, Identities = 240, VideosPerIdentity = 4, Frames = 48 }
        : new() { OutputDir = outputDir };

    public void Validate(int identityCount)
    {
        if (Identities is { } n && (n <= 0 || n > identityCount))
            throw new GlassException($"{n} identities: must be in 1..{identityCount}") { Input = GlassInput.Identities };
        if (VideosPerIdentity <= 0) throw new GlassException($"{VideosPerIdentity} videos per identity: must be > 0") { Input = GlassInput.VideosPerIdentity };
        if (VideosPerIdentity > 1000) throw new GlassException($"{VideosPerIdentity} videos per identity: above the 1000 that folder names allow") { Input = GlassInput.VideosPerIdentity };
        if (Frames <= 0) throw new GlassException($"{Frames} frames per video: must be > 0") { Input = GlassInput.Frames };
        if (Frames > 99999) throw new GlassException($"{Frames} frames per video: above the 99999 that frame names allow") { Input = GlassInput.Frames };
        if (Threads < 0) throw new GlassException($"{Threads} threads: must be >= 0") { Input = GlassInput.Threads };
        if (TrainFraction < 0 || ValFraction < 0 || TrainFraction + ValFraction > 1)
            throw new GlassException($"split fractions {TrainFraction}/{ValFraction} must be non-negative with train + val <= 1");
    }
}
