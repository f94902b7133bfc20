using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Generation;

/// <summary>A generated sequence: index 0 is the starting image and its segmentation, index t the
/// frame after step t. Owns its tensors (CPU or the model's device).</summary>
public sealed record AnimationClip(
    Tensor Frames /* (B, T+1, 3, H, W) in [-1, 1] */,
    Tensor Foregrounds /* (B, T+1, 3, H, W) in [-1, 1] */,
    Tensor Masks /* (B, T+1, 1, H, W) in [0, 1] */) : IDisposable
{
    public int BatchSize => (int)Frames.shape[0];

    /// <summary>Frames including the starting one (T+1).</summary>
    public int Length => (int)Frames.shape[1];

    /// <summary>Writes the batch's first sequence to <paramref name="path"/> (<see cref="AnimationWriter"/>); with
    /// <paramref name="showMasks"/> its foregrounds and masks too: beside each frame in a GIF or MP4, as the subfolders
    /// foregrounds/ and masks/ of a PNG folder.</summary>
    /// <returns>the full path, and the size of a written frame before the options' enlargement</returns>
    public (string Path, int Width, int Height) Write(string path, AnimationOptions options, bool showMasks = false)
    {
        IReadOnlyList<RgbImage> frames = FrameLayout.FromBatch(Frames[0]);
        Dictionary<string, IReadOnlyList<RgbImage>>? extras = null;
        if (showMasks)
        {
            var foregrounds = FrameLayout.FromBatch(Foregrounds[0]);
            var masks = FrameLayout.FromBatch(Masks[0], isMask: true);
            if (AnimationWriter.FormatOf(path) == AnimationFormat.PngFolder)
                extras = new() { ["foregrounds"] = foregrounds, ["masks"] = masks };
            else
                frames = frames.Select((f, t) => FrameLayout.Beside([f, foregrounds[t], masks[t]], ActionMatrix.Gap, (255, 255, 255))).ToList();
        }
        return (AnimationWriter.Write(path, frames, options, extras), frames[0].Width, frames[0].Height);
    }

    public void Dispose()
    {
        Frames.Dispose();
        Foregrounds.Dispose();
        Masks.Dispose();
    }
}
