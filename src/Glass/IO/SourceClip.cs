using TorchSharp;
using static TorchSharp.torch;

namespace Glass.IO;

/// <summary>Reads a clip to drive generation (motion transfer): a folder of frames or a video file,
/// each frame cropped and resized by the model's <see cref="FrameTransform"/>.</summary>
public static class SourceClip
{
    static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp"];

    /// <returns>(T, 3, H, W) in [-1, 1] on the CPU, T = min(frames available, <paramref name="maxFrames"/>)</returns>
    public static Tensor Read(string path, FrameTransform transform, int maxFrames)
    {
        if (Directory.Exists(path))
        {
            // Frames in name order (00000.png, 00001.png, ... sort correctly); masks/ and other subfolders are ignored.
            var files = Directory.GetFiles(path).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal).Take(maxFrames).ToList();
            if (files.Count < 2) throw new GlassException($"{path}: a source clip needs at least 2 image frames (00000.png, 00001.png, ...), found {files.Count}");
            using var scope = NewDisposeScope();
            return torch.stack(files.Select(f => ImageIO.ReadTensor(f, transform))).MoveToOuterDisposeScope();
        }
        if (!File.Exists(path)) throw new GlassException($"{path}: no such folder of frames or video file");
        var frames = FfmpegVideo.Read(path, maxFrames);
        if (frames.Count < 2) throw new GlassException($"{path}: a source clip needs at least 2 frames, the video has {frames.Count}");
        using (var scope = NewDisposeScope())
            return torch.stack(frames.Select(f => ImageIO.ToTensor(transform.Apply(f)))).MoveToOuterDisposeScope();
    }
}
