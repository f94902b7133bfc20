using static TorchSharp.torch;

namespace Glass.Generation;

/// <summary>One generated frame per batch element, with its layers. Owns its tensors.</summary>
public sealed record GenerationStep(
    Tensor Frames /* (B, 3, H, W) in [-1, 1]: mask * foreground + (1 - mask) * background */,
    Tensor Foregrounds /* (B, 3, H, W) rendered foreground */,
    Tensor Masks /* (B, 1, H, W) rendered mask in [0, 1] */,
    Tensor Backgrounds /* (B, 3, H, W) first background shifted by the accumulated background shift */) : IDisposable
{
    public void Dispose()
    {
        Frames.Dispose();
        Foregrounds.Dispose();
        Masks.Dispose();
        Backgrounds.Dispose();
    }
}
