using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>Intersection over union of soft foreground masks, as the reference evaluator computes it:
/// intersection = Σ p·m, union = Σ (1 − (1 − p)(1 − m)) (the probabilistic "or"), per frame.
/// For binary masks this is the usual |P ∩ M| / |P ∪ M|.</summary>
public static class MaskIoU
{
    /// <summary>Per-frame IoU. Both masks in [0, 1] with the same shape (..., H, W); returns (...).
    /// Two empty masks give 0 (the reference adds 1e-16 to the union), not NaN.</summary>
    public static Tensor PerFrame(Tensor predicted /* (..., H, W) */, Tensor truth /* (..., H, W) */)
    {
        if (!predicted.shape.SequenceEqual(truth.shape))
            throw new GlassException($"mask IoU: predicted masks {Shape(predicted)} and true masks {Shape(truth)} differ in shape; pass masks of the same clip and size");
        using var scope = NewDisposeScope();
        var p = predicted.to(float32);
        var m = truth.to(float32);
        var intersection = (p * m).sum([-2, -1]);
        var union = (1 - (1 - p) * (1 - m)).sum([-2, -1]);
        return (intersection / (union + 1e-16)).MoveToOuterDisposeScope();
    }

    /// <summary>The truth binarized at 0.5: (..., H, W) of 0/1. Resized to the model's size, a binary mask turns soft
    /// along its border, and no binary prediction can then score IoU 1 against it; this is the mask a perfect
    /// binary segmentation draws.</summary>
    public static Tensor BinarizedTruth(Tensor truth /* (..., H, W) */) => truth.gt(0.5).to(float32);

    internal static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
}
