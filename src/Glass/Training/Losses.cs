using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Training;

/// <summary>
/// The loss terms of GLASS as the reference defines them. Sequences are (B, T, C, H, W); every
/// function returns a scalar tensor. Target sequences carry one more frame than predictions where noted.
/// </summary>
public static class Losses
{
    /// <summary>Mean absolute error, optionally weighted per pixel; weights of another resolution are
    /// resized bilinearly first (as the multiscale terms need).</summary>
    /// <param name="target">(B, T, 3, H, W)</param>
    /// <param name="prediction">(B, T, 3, H, W)</param>
    /// <param name="weights">(B, T, 1, h, w) or null</param>
    public static Tensor Reconstruction(Tensor target, Tensor prediction, Tensor? weights = null)
    {
        var loss = (target - prediction).abs();
        if (weights is not null)
        {
            if (weights.shape[3] != target.shape[3] || weights.shape[4] != target.shape[4])
                weights = Resize(weights, target.shape[3], target.shape[4]);
            loss = loss * weights;
        }
        return loss.mean();
    }

    /// <summary>Sum over the VGG slices of the mean absolute feature difference; the target's
    /// features carry no gradient.</summary>
    /// <param name="target">(B, T, 3, H, W)</param>
    /// <param name="prediction">(B, T, 3, H, W)</param>
    public static Tensor Perceptual(PerceptualNetwork vgg, Tensor target, Tensor prediction) => Perceptual(vgg.Features, target, prediction);

    /// <param name="features">(N, 3, H, W) images to their feature slices</param>
    /// <param name="target">(B, T, 3, H, W)</param>
    /// <param name="prediction">(B, T, 3, H, W)</param>
    public static Tensor Perceptual(Func<Tensor, Tensor[]> features, Tensor target, Tensor prediction)
    {
        // Features live only until the term is summed (autograd keeps what the backward pass needs), not until the
        // training step's scope ends: a paper step computes them for four image sets.
        using var scope = NewDisposeScope();
        var targetFeatures = features(target.detach().flatten(0, 1));
        var predictedFeatures = features(prediction.flatten(0, 1));
        Tensor? loss = null;
        for (int i = 0; i < targetFeatures.Length; i++)
        {
            var term = (targetFeatures[i] - predictedFeatures[i]).abs().mean();
            loss = loss is null ? term : loss + term;
        }
        return loss!.MoveToOuterDisposeScope();
    }

    /// <summary>Averages a loss over the renderer's scales, comparing each scale with the real frames
    /// 1..T-1 resized to it.</summary>
    /// <param name="target">(B, T, 3, H, W), frame 0 is dropped</param>
    /// <param name="predictions">per scale (B, T-1, 3, h_s, w_s)</param>
    public static Tensor Multiscale(Tensor target, IReadOnlyList<Tensor> predictions, Func<Tensor, Tensor, Tensor> loss)
    {
        var successors = target[.., 1..];
        Tensor? total = null;
        foreach (var prediction in predictions)
        {
            var resized = Resize(successors, prediction.shape[3], prediction.shape[4]);
            var term = loss(resized, prediction);
            total = total is null ? term : total + term;
        }
        return total! / predictions.Count;
    }

    /// <summary>L1 between the inpainted backgrounds 1..T-1 and the shifted backgrounds.</summary>
    /// <param name="backgrounds">(B, T, 3, H, W)</param>
    /// <param name="shiftedBackgrounds">(B, T-1, 3, H, W)</param>
    public static Tensor BackgroundShift(Tensor backgrounds, Tensor shiftedBackgrounds) =>
        (backgrounds[.., 1..] - shiftedBackgrounds).abs().mean();

    /// <summary>L2 between the foregrounds 1..T-1 and the shifted foregrounds.</summary>
    /// <param name="foregrounds">(B, T, 3, H, W)</param>
    /// <param name="transformedForegrounds">(B, T-1, 3, H, W)</param>
    public static Tensor ForegroundTransform(Tensor foregrounds, Tensor transformedForegrounds) =>
        (foregrounds[.., 1..] - transformedForegrounds).pow(2).mean();

    /// <summary>Pushes the soft masks towards 0 or 1: mean(min(m, 1 - m)).</summary>
    /// <param name="masks">(B, T, 1, H, W)</param>
    public static Tensor BinaryMask(Tensor masks) => minimum(masks, 1 - masks).mean();

    /// <summary>|mean mask area - target| averaged over frames.</summary>
    /// <param name="masks">(B, T, 1, H, W)</param>
    public static Tensor MaskSize(Tensor masks, double size) => (masks.mean([-1L, -2L]) - size).abs().mean();

    /// <summary>Plain mean absolute error (state and mask reconstruction).</summary>
    public static Tensor L1(Tensor target, Tensor prediction) => (target - prediction).abs().mean();

    /// <summary>Bilinear resize of every frame of a sequence (align_corners = false).</summary>
    /// <param name="x">(B, T, C, H, W)</param>
    /// <returns>(B, T, C, height, width)</returns>
    public static Tensor Resize(Tensor x, long height, long width)
    {
        if (x.shape[3] == height && x.shape[4] == width) return x;
        var flat = F.interpolate(x.flatten(0, 1), [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return flat.unflatten(0, [x.shape[0], x.shape[1]]);
    }
}
