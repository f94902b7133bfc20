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

    public void Dispose()
    {
        Frames.Dispose();
        Foregrounds.Dispose();
        Masks.Dispose();
    }
}
