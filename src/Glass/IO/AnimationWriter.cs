namespace Glass.IO;

/// <param name="Fps">Playback rate of GIF and MP4 outputs.</param>
/// <param name="Scale">Nearest-neighbour enlargement (1 = as generated), so 128x96 frames are watchable.</param>
/// <param name="Force">Replace an existing output.</param>
public sealed record AnimationOptions(double Fps = 10, int Scale = 1, bool Force = false, GifPaletteMode Palette = GifPaletteMode.Global);

/// <summary>Writes a frame sequence in the format its path asks for (<see cref="AnimationFormat"/>),
/// with the output policy of <see cref="OutputFile"/>: folders created, replaced only when forced, atomic.</summary>
public static class AnimationWriter
{
    public const int MaxScale = 16;

    public static AnimationFormat FormatOf(string path)
    {
        if (Path.EndsInDirectorySeparator(path) || Directory.Exists(path)) return AnimationFormat.PngFolder;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".gif" => AnimationFormat.Gif,
            ".mp4" => AnimationFormat.Mp4,
            "" => AnimationFormat.PngFolder,
            var other => throw new GlassException($"{path}: cannot write '{other}' animations; use .gif, .mp4, or a folder name (no extension) for PNG frames"),
        };
    }

    /// <summary>Fails early (before any generation) when the output could not be written.</summary>
    public static AnimationFormat Check(string path, AnimationOptions options)
    {
        if (options.Scale is < 1 or > MaxScale) throw new GlassException($"enlargement {options.Scale}: use 1..{MaxScale}") { Input = GlassInput.Scale };
        if (!(options.Fps > 0) || options.Fps > 100) throw new GlassException($"{options.Fps} frames per second: use a rate in (0, 100]") { Input = GlassInput.Fps };
        var format = FormatOf(path);
        if (format == AnimationFormat.PngFolder) CheckFolder(Path.GetFullPath(path), options.Force);
        else OutputFile.Prepare(path, options.Force);
        if (format == AnimationFormat.Mp4 && !FfmpegVideo.IsAvailable)
            throw new GlassException($"{path}: writing MP4 needs ffmpeg on PATH (apt-get install ffmpeg); or write a .gif or a folder of PNG frames");
        return format;
    }

    /// <summary>Writes <paramref name="frames"/> (all one size) to <paramref name="path"/>; for a PNG folder,
    /// <paramref name="folderExtras"/> become subfolders of PNG frames (e.g. "masks"). Returns the full path.</summary>
    public static string Write(string path, IReadOnlyList<RgbImage> frames, AnimationOptions options,
        IReadOnlyDictionary<string, IReadOnlyList<RgbImage>>? folderExtras = null)
    {
        if (frames.Count == 0) throw new ArgumentException("no frames to write", nameof(frames));
        var format = Check(path, options);
        var full = Path.GetFullPath(path);
        switch (format)
        {
            case AnimationFormat.Gif:
                GifWriter.Save(full, frames, new GifOptions((int)Math.Round(1000 / options.Fps), 0, options.Palette, options.Scale));
                break;
            case AnimationFormat.Mp4:
                FfmpegVideo.WriteMp4(full, frames.Select(f => f.ScaleNearest(options.Scale)).ToList(), options.Fps);
                break;
            default:
                WriteFolder(full, frames.Select(f => f.ScaleNearest(options.Scale)).ToList(), folderExtras?.ToDictionary(e => e.Key, e => (IReadOnlyList<RgbImage>)e.Value.Select(f => f.ScaleNearest(options.Scale)).ToList()));
                break;
        }
        return full;
    }

    /// <summary>The frame file name the reference datasets use too, so a written folder reads back as a clip.</summary>
    public static string FrameName(int index) => $"{index:D5}.png";

    static void CheckFolder(string full, bool force)
    {
        if (File.Exists(full)) throw new GlassException($"{full} is a file; a PNG frame folder needs a folder name (or use .gif/.mp4)");
        if (!Directory.Exists(full) || !Directory.EnumerateFileSystemEntries(full).Any()) return;
        if (!force) throw new GlassException($"{full} exists and is not empty") { Remedy = GlassInput.Force };
        // Only replace what this writer makes: PNG frames and subfolders of PNG frames.
        foreach (var entry in Directory.EnumerateFileSystemEntries(full, "*", SearchOption.AllDirectories))
            if (File.Exists(entry) && !entry.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                throw new GlassException($"{full} holds {Path.GetRelativePath(full, entry)}, which is not a frame; refusing to replace that folder, choose another output");
    }

    static void WriteFolder(string full, IReadOnlyList<RgbImage> frames, Dictionary<string, IReadOnlyList<RgbImage>>? extras) =>
        // CheckFolder made sure an existing folder holds frames only, so replacing it loses nothing else.
        AtomicFile.WriteDirectory(full, "PNG frames", temp =>
        {
            for (int i = 0; i < frames.Count; i++) File.WriteAllBytes(Path.Combine(temp, FrameName(i)), ImageIO.EncodePng(frames[i]));
            foreach (var (name, extra) in extras ?? [])
            {
                var sub = Path.Combine(temp, name);
                Directory.CreateDirectory(sub);
                for (int i = 0; i < extra.Count; i++) File.WriteAllBytes(Path.Combine(sub, FrameName(i)), ImageIO.EncodePng(extra[i]));
            }
        });
}
