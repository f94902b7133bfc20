using Glass.IO;

namespace Glass.Data;

/// <summary>
/// Writes one video folder so that it appears complete or not at all: frames, masks and metadata go to
/// <c>&lt;name&gt;.tmp-&lt;pid&gt;</c> beside the target, which is renamed to <c>&lt;name&gt;</c> by
/// <see cref="Commit"/>. Disposing without committing deletes the temporary folder.
/// </summary>
public sealed class VideoFolderWriter : IDisposable
{
    public string TargetPath { get; }
    public string TempPath { get; }
    public int FramesWritten { get; private set; }
    int _masksWritten;
    bool _committed;

    public VideoFolderWriter(string parentDir, string name)
    {
        TargetPath = Path.Combine(parentDir, name);
        TempPath = Path.Combine(parentDir, $"{name}.tmp-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(parentDir);
            if (Directory.Exists(TempPath)) Directory.Delete(TempPath, recursive: true);
            Directory.CreateDirectory(TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{parentDir}: cannot create a video folder there ({e.Message}); check the output path and its permissions", e);
        }
    }

    /// <summary>True when the target folder already exists (a finished video: reruns skip it).</summary>
    public static bool IsFinished(string parentDir, string name) => Directory.Exists(Path.Combine(parentDir, name));

    /// <summary>Removes leftovers <c>*.tmp-*</c> of interrupted runs in <paramref name="parentDir"/>.</summary>
    public static int RemoveLeftovers(string parentDir)
    {
        if (!Directory.Exists(parentDir)) return 0;
        int n = 0;
        foreach (var dir in Directory.EnumerateDirectories(parentDir, "*.tmp-*"))
        {
            try { Directory.Delete(dir, recursive: true); n++; }
            catch (IOException) { } // another process may still be writing it
        }
        return n;
    }

    public void AddFrame(RgbImage frame, GrayImage? mask = null) => AddEncodedFrame(ImageIO.EncodePng(frame), mask is null ? null : ImageIO.EncodePng(mask));

    /// <summary>Adds an already PNG-encoded frame (and mask), e.g. encoded on another thread.</summary>
    public void AddEncodedFrame(byte[] framePng, byte[]? maskPng = null)
    {
        if (_committed) throw new InvalidOperationException("video already committed");
        if (maskPng is not null && _masksWritten != FramesWritten)
            throw new InvalidOperationException("either every frame has a mask or none has");
        Write(Path.Combine(TempPath, VideoFolder.IndexName(FramesWritten, "png")), framePng);
        if (maskPng is not null)
        {
            var masks = Path.Combine(TempPath, "masks");
            if (_masksWritten == 0) Directory.CreateDirectory(masks);
            Write(Path.Combine(masks, VideoFolder.IndexName(FramesWritten, "png")), maskPng);
            _masksWritten++;
        }
        FramesWritten++;
    }

    /// <summary>
    /// Counts frames another program (ffmpeg) wrote into <see cref="TempPath"/> as 00000.png, 00001.png, …;
    /// checks their numbering like a reader would.
    /// </summary>
    public int AdoptFrames()
    {
        if (FramesWritten != 0) throw new InvalidOperationException("frames were already added through this writer");
        var numbers = Directory.EnumerateFiles(TempPath, "*.png")
            .Select(f => int.TryParse(Path.GetFileNameWithoutExtension(f), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n >= 0).Order().ToArray();
        for (int i = 0; i < numbers.Length; i++)
            if (numbers[i] != i) throw new GlassException($"{TempPath}: frame {VideoFolder.IndexName(i, "png")} missing in the decoder's output");
        FramesWritten = numbers.Length;
        return FramesWritten;
    }

    /// <summary>Writes the metadata and renames the folder into place.</summary>
    public void Commit(VideoMetadata? metadata = null)
    {
        if (_committed) throw new InvalidOperationException("video already committed");
        if (FramesWritten == 0) throw new GlassException($"{TargetPath}: no frames to write");
        if (_masksWritten != 0 && _masksWritten != FramesWritten)
            throw new InvalidOperationException($"{_masksWritten} masks for {FramesWritten} frames");
        if (metadata is not null)
        {
            metadata.Validate(FramesWritten, TargetPath);
            Write(Path.Combine(TempPath, VideoMetadata.FileName), System.Text.Encoding.UTF8.GetBytes(metadata.ToJson()));
        }
        try
        {
            if (Directory.Exists(TargetPath)) Directory.Delete(TargetPath, recursive: true);
            Directory.Move(TempPath, TargetPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{TargetPath}: cannot move the finished video into place ({e.Message})", e);
        }
        _committed = true;
    }

    void Write(string path, byte[] bytes)
    {
        try { File.WriteAllBytes(path, bytes); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{path}: cannot write ({e.Message}); check free space and permissions", e);
        }
    }

    public void Dispose()
    {
        if (_committed) return;
        try { if (Directory.Exists(TempPath)) Directory.Delete(TempPath, recursive: true); }
        catch (IOException) { }
    }
}
