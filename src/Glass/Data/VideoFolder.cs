using System.Globalization;
using System.Text.RegularExpressions;

namespace Glass.Data;

/// <summary>
/// One video of a dataset: a folder with frames <c>00000.png, 00001.png, …</c> (one extension), an
/// optional <c>masks/</c> folder with the same numbering, and optional metadata (our <c>actions.json</c>,
/// else the reference's <c>glactions.pkl</c> / <c>actions.pkl</c>, converted to our units). Frames are
/// not read here, only listed and checked.
/// </summary>
public sealed partial class VideoFolder
{
    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public int FrameCount { get; }
    /// <summary>Frame file extension without the dot, e.g. "png".</summary>
    public string Extension { get; }
    public bool HasMasks { get; }
    public string? MaskExtension { get; }
    /// <summary>Ground truth in our units, or null when the folder has none.</summary>
    public VideoMetadata? Metadata { get; }
    /// <summary>Character identity: actions.json "identity", else the reference's folder name <c>sprite_N_…</c>, else -1.</summary>
    public int Identity { get; }

    [GeneratedRegex(@"^(\d{5,})\.([A-Za-z0-9]+)$")]
    private static partial Regex FramePattern();

    [GeneratedRegex(@"^sprite_(\d+)(_|$)")]
    private static partial Regex SpritePattern();

    VideoFolder(string path, int frames, string ext, bool hasMasks, string? maskExt, VideoMetadata? metadata, int identity)
    {
        Path = path; FrameCount = frames; Extension = ext; HasMasks = hasMasks; MaskExtension = maskExt; Metadata = metadata; Identity = identity;
    }

    public string FramePath(int index) => System.IO.Path.Combine(Path, IndexName(index, Extension));
    public string MaskPath(int index) =>
        HasMasks ? System.IO.Path.Combine(Path, "masks", IndexName(index, MaskExtension!)) : throw new InvalidOperationException($"{Path} has no masks/");

    public static string IndexName(int index, string ext) => $"{index.ToString("D5", CultureInfo.InvariantCulture)}.{ext}";

    /// <summary>Lists and checks a video folder; throws a GlassException naming the file and the problem.</summary>
    public static VideoFolder Open(string path)
    {
        if (!Directory.Exists(path)) throw new GlassException($"{path}: video folder not found");
        var (count, ext) = ScanFrames(path, "frame");
        bool hasMasks = false;
        string? maskExt = null;
        var masksDir = System.IO.Path.Combine(path, "masks");
        if (Directory.Exists(masksDir))
        {
            int maskCount;
            (maskCount, maskExt) = ScanFrames(masksDir, "mask");
            if (maskCount != count)
                throw new GlassException($"{masksDir}: {maskCount} masks for {count} frames; every frame needs a mask (or remove masks/)");
            hasMasks = true;
        }

        VideoMetadata? metadata;
        var json = System.IO.Path.Combine(path, VideoMetadata.FileName);
        string metaSource;
        if (File.Exists(json))
        {
            metadata = VideoMetadata.Load(json);
            metaSource = json;
        }
        else
        {
            metadata = ReferencePickles.TryRead(path);
            metaSource = System.IO.Path.Combine(path, File.Exists(System.IO.Path.Combine(path, ReferencePickles.GlobalLocalFile)) ? ReferencePickles.GlobalLocalFile : ReferencePickles.ActionsFile);
        }
        metadata?.Validate(count, metaSource);

        var identity = metadata?.Identity ?? -1;
        if (identity < 0 && SpritePattern().Match(System.IO.Path.GetFileName(path)) is { Success: true } m
            && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var sid))
            identity = sid;
        return new VideoFolder(path, count, ext, hasMasks, maskExt, metadata, identity);
    }

    /// <summary>Counts numbered images and checks that they run 0..N-1 without gaps or empty files.</summary>
    static (int Count, string Ext) ScanFrames(string dir, string what)
    {
        var found = new SortedDictionary<int, (string Name, long Length)>();
        string? ext = null;
        foreach (var info in new DirectoryInfo(dir).EnumerateFiles())
        {
            var m = FramePattern().Match(info.Name);
            if (!m.Success) continue;
            var e = m.Groups[2].Value;
            if (!IsImageExtension(e)) continue;
            if (ext is null) ext = e;
            else if (!string.Equals(ext, e, StringComparison.Ordinal))
                throw new GlassException($"{System.IO.Path.Combine(dir, info.Name)}: {what} files mix extensions .{ext} and .{e}; use one format per video");
            var index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!found.TryAdd(index, (info.Name, info.Length)))
                throw new GlassException($"{System.IO.Path.Combine(dir, info.Name)}: duplicate {what} number {index}");
        }
        if (found.Count == 0) throw new GlassException($"{dir}: no {what}s named 00000.png, 00001.png, ...");
        int expected = 0;
        foreach (var (index, (name, length)) in found)
        {
            if (index != expected)
                throw new GlassException($"{System.IO.Path.Combine(dir, IndexName(expected, ext!))}: missing; {what} numbering has a gap ({found.Count} files, last {name})");
            if (length == 0)
                throw new GlassException($"{System.IO.Path.Combine(dir, name)}: empty {what} file; regenerate or remove the video");
            expected++;
        }
        return (found.Count, ext!);
    }

    static bool IsImageExtension(string e) => e.ToLowerInvariant() is "png" or "jpg" or "jpeg" or "bmp" or "webp" or "gif";
}
