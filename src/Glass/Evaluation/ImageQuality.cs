using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>Per-frame image similarity between generated and real frames in [0, <c>dataRange</c>] (the reference
/// evaluates frames in [0, 1]): mean squared error, PSNR and SSIM. Each takes (..., C, H, W) and returns (...).</summary>
public static class ImageQuality
{
    /// <summary>Added to the MSE inside PSNR's logarithm, as the reference does, so identical frames give a finite
    /// 80 dB (at data range 1) instead of infinity.</summary>
    public const double PsnrEpsilon = 1e-8;

    /// <summary>Mean over channels and pixels of (a − b)².</summary>
    public static Tensor Mse(Tensor generated /* (..., C, H, W) */, Tensor real /* (..., C, H, W) */)
    {
        CheckPair(generated, real, "MSE");
        using var scope = NewDisposeScope();
        return (generated.to(float64) - real.to(float64)).square().mean([-3, -2, -1]).MoveToOuterDisposeScope();
    }

    /// <summary>−10·log10(MSE/L² + 1e-8) with L the data range.</summary>
    public static Tensor Psnr(Tensor generated /* (..., C, H, W) */, Tensor real /* (..., C, H, W) */, double dataRange = 1.0)
    {
        CheckPair(generated, real, "PSNR");
        using var scope = NewDisposeScope();
        var mse = (generated.to(float64) / dataRange - real.to(float64) / dataRange).square().mean([-3, -2, -1]);
        return (-10.0 * (mse + PsnrEpsilon).log10()).MoveToOuterDisposeScope();
    }

    /// <summary>Structural similarity (Wang et al. 2004) with a Gaussian window of <paramref name="kernelSize"/>
    /// (11) and σ = <paramref name="sigma"/> (1.5), constants C1 = (0.01·L)², C2 = (0.03·L)², L =
    /// <paramref name="dataRange"/>; the SSIM map is taken over "valid" window positions only (no padding) and
    /// averaged over positions and channels — the convention of skimage (gaussian_weights, population
    /// statistics) and piq. The reference calls piq's <c>ssim(x, y, range)</c>, whose third positional parameter
    /// is the kernel size, so its figures are SSIM with a 1×1 window (a per-pixel luminance similarity);
    /// <c>kernelSize: 1</c> reproduces them.</summary>
    public static Tensor Ssim(Tensor generated /* (..., C, H, W) */, Tensor real /* (..., C, H, W) */,
        double dataRange = 1.0, int kernelSize = 11, double sigma = 1.5)
    {
        CheckPair(generated, real, "SSIM");
        if (kernelSize < 1 || kernelSize % 2 == 0)
            throw new GlassException($"SSIM: kernel size {kernelSize} must be a positive odd number");
        long h = real.shape[^2], w = real.shape[^1], c = real.shape[^3];
        if (h < kernelSize || w < kernelSize)
            throw new GlassException($"SSIM: frames of {w}x{h} are smaller than the {kernelSize}x{kernelSize} window");
        using var scope = NewDisposeScope();
        var leading = real.shape[..^3];
        var x = generated.to(float64).reshape(-1, 1, h, w);
        var y = real.to(float64).reshape(-1, 1, h, w);
        var window = GaussianWindow(kernelSize, sigma, real.device);
        Tensor Filter(Tensor t) => nn.functional.conv2d(t, window);
        var muX = Filter(x);
        var muY = Filter(y);
        var varX = Filter(x * x) - muX * muX;
        var varY = Filter(y * y) - muY * muY;
        var covariance = Filter(x * y) - muX * muY;
        double c1 = Math.Pow(0.01 * dataRange, 2), c2 = Math.Pow(0.03 * dataRange, 2);
        var map = (2 * muX * muY + c1) * (2 * covariance + c2) / ((muX * muX + muY * muY + c1) * (varX + varY + c2));
        var perChannel = map.mean([-2, -1]).reshape(-1, c);
        return perChannel.mean([1]).reshape(leading).MoveToOuterDisposeScope();
    }

    /// <summary>(1, 1, k, k) normalized 2D Gaussian, the outer product of a 1D Gaussian sampled at integer offsets.</summary>
    internal static Tensor GaussianWindow(int kernelSize, double sigma, Device device)
    {
        var offsets = arange(kernelSize, dtype: float64, device: device) - (kernelSize - 1) / 2.0;
        var g = (-(offsets * offsets) / (2 * sigma * sigma)).exp();
        g /= g.sum();
        return outer(g, g).reshape(1, 1, kernelSize, kernelSize);
    }

    static void CheckPair(Tensor generated, Tensor real, string metric)
    {
        if (real.dim() < 3)
            throw new GlassException($"{metric}: frames must be (..., C, H, W), got {MaskIoU.Shape(real)}");
        if (!generated.shape.SequenceEqual(real.shape))
            throw new GlassException($"{metric}: generated frames {MaskIoU.Shape(generated)} and real frames {MaskIoU.Shape(real)} differ in shape; compare clips of the same length and size");
    }
}
