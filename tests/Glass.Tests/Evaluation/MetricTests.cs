using Glass.Evaluation;
using Glass.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Evaluation;

/// <summary>The reference evaluator's metrics against values worked out by hand (derivations in the comments) or
/// published in scikit-learn's documentation.</summary>
public class MetricTests
{
    public MetricTests() => TorchRuntime.Initialize();

    [Fact]
    public void MaskIoUOfBinaryMasksIsOverlapOverUnion()
    {
        // Predicted: columns 0-3 of rows 0-1 (8 px). True: columns 2-5 of rows 0-1 (8 px). Overlap 4 px, union 12 px.
        var predicted = zeros(4, 8); predicted[TensorIndex.Slice(0, 2), TensorIndex.Slice(0, 4)] = 1;
        var truth = zeros(4, 8); truth[TensorIndex.Slice(0, 2), TensorIndex.Slice(2, 6)] = 1;
        Assert.Equal(4.0 / 12.0, MaskIoU.PerFrame(predicted, truth).item<float>(), 6);
        Assert.Equal(1.0, MaskIoU.PerFrame(truth, truth).item<float>(), 6);
        Assert.Equal(0.0, MaskIoU.PerFrame(zeros(4, 8), zeros(4, 8)).item<float>(), 6); // no NaN for two empty masks
    }

    [Fact]
    public void MaskIoUOfSoftMasksUsesTheProbabilisticUnion()
    {
        // p = 0.5 everywhere, m = 1 on half the n pixels: intersection = 0.5·n/2, union = n/2·1 + n/2·0.5 → 1/3.
        var predicted = full(2, 3, 4, 4, 0.5f);
        var truth = zeros(2, 3, 4, 4); truth[.., .., TensorIndex.Slice(0, 2)] = 1;
        var iou = MaskIoU.PerFrame(predicted, truth);
        Assert.Equal(new long[] { 2, 3 }, iou.shape);
        Assert.All(iou.data<float>().ToArray(), v => Assert.Equal(1.0 / 3.0, v, 6));
        Assert.Throws<GlassException>(() => MaskIoU.PerFrame(zeros(4, 4), zeros(4, 5)));
    }

    [Fact]
    public void AResizedTruthCapsTheIoUOfEveryBinaryMask()
    {
        // A resized mask's border is soft: truth [1, 0.5, 0.25, 0] binarizes to [1, 0, 0, 0]; against the truth that
        // scores 1 / (1 + 0.5 + 0.25) = 4/7, and the half-covered pixel taken in scores (1 + 0.5) / (1 + 1 + 0.25) = 2/3.
        var truth = tensor(new float[] { 1, 0.5f, 0.25f, 0 }).reshape(2, 2);
        var binary = MaskIoU.BinarizedTruth(truth);
        Assert.Equal(new float[] { 1, 0, 0, 0 }, binary.data<float>().ToArray());
        Assert.Equal(4.0 / 7.0, MaskIoU.PerFrame(binary, truth).item<float>(), 6);
        Assert.Equal(2.0 / 3.0, MaskIoU.PerFrame(tensor(new float[] { 1, 1, 0, 0 }).reshape(2, 2), truth).item<float>(), 6);
        Assert.Equal(1.0, MaskIoU.PerFrame(binary, MaskIoU.BinarizedTruth(binary)).item<float>(), 6); // binary truths cap nothing
    }

    [Fact]
    public void ShiftErrorIsInPixelsOfTheFrameAndAngleMatchSkipsZeroTruths()
    {
        const int W = 128, H = 96;
        static Shift Px(double dx, double dy) => new(2 * dx / W, 2 * dy / H);
        var truth = new[] { Px(7, 0), Px(7, 0), Px(0, -7), Px(0, 0), Px(-7, 0) };
        var predicted = new[] { Px(8, 1), Px(0, 7), Px(3, -6), Px(2, 0), Px(0, 0) };
        var scores = ShiftMetrics.Compute(predicted, truth, W, H);
        // errors: √(1²+1²), √(7²+7²), √(3²+1²), 2, 7
        double[] expected = [Math.Sqrt(2), Math.Sqrt(98), Math.Sqrt(10), 2, 7];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], scores.ErrorsPx[i], 9);
        Assert.Equal(expected.Average(), scores.MeanErrorPx, 9);
        // non-zero truths: 4. Within 45°: (8,1) vs (7,0) yes; (0,7) vs (7,0) no (90°); (3,-6) vs (0,-7): cos = 6/√45 = 0.894 yes;
        // zero prediction vs (-7,0): no direction, a miss.
        Assert.Equal(4, scores.NonZeroCount);
        Assert.Equal(0.5, scores.AngleMatch, 12);
    }

    [Fact]
    public void AngleMatchBoundaryIsStrictlyInside45Degrees()
    {
        // Exactly 45° (cos = 1/√2) is not a match in the reference (strict >); 44° is.
        var truth = new[] { new Shift(1, 0), new Shift(1, 0) };
        double rad44 = 44 * Math.PI / 180;
        var predicted = new[] { new Shift(1, 1), new Shift(Math.Cos(rad44), Math.Sin(rad44)) };
        var scores = ShiftMetrics.Compute(predicted, truth, 2, 2); // 2×2 frame: normalized units = pixels
        Assert.Equal(0.5, scores.AngleMatch, 12);
        Assert.True(double.IsNaN(ShiftMetrics.Compute([new Shift(1, 0)], [new Shift(0, 0)], 2, 2).AngleMatch));
    }

    [Fact]
    public void NmiMatchesScikitLearnDocumentedCases()
    {
        // scikit-learn's docstring: perfect labelings (also permuted) score 1, fully split classes score 0.
        Assert.Equal(1.0, NormalizedMutualInformation.Compute([0, 0, 1, 1], [0, 0, 1, 1]), 12);
        Assert.Equal(1.0, NormalizedMutualInformation.Compute([0, 0, 1, 1], [1, 1, 0, 0]), 12);
        Assert.Equal(0.0, NormalizedMutualInformation.Compute([0, 0, 0, 0], [0, 1, 2, 3]), 12);
        Assert.Equal(1.0, NormalizedMutualInformation.Compute([3, 3, 3], [5, 5, 5]), 12); // both constant: perfect
        // learned ids need not match label values or counts (K = 2 ids vs 3 labels)
        Assert.Equal(NormalizedMutualInformation.Compute([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 1, 1]),
                     NormalizedMutualInformation.Compute([7, 7, 4, 4, 9, 9], [5, 5, 2, 2, 2, 2]), 12);
    }

    [Fact]
    public void NmiOfAWorkedExample()
    {
        // true [0,0,1,1], predicted [0,0,0,1]. Joint p: (0,0)=1/2, (1,0)=1/4, (1,1)=1/4; marginals true (1/2,1/2),
        // predicted (3/4,1/4). MI = ½ln(4/3) + ¼ln(2/3) + ¼ln 2; H(true) = ln 2; H(pred) = −¾ln¾ − ¼ln¼.
        double mi = 0.5 * Math.Log(4.0 / 3) + 0.25 * Math.Log(2.0 / 3) + 0.25 * Math.Log(2);
        double hTrue = Math.Log(2), hPred = -0.75 * Math.Log(0.75) - 0.25 * Math.Log(0.25);
        double expected = mi / ((hTrue + hPred) / 2); // ≈ 0.3437
        Assert.Equal(expected, NormalizedMutualInformation.Compute([0, 0, 1, 1], [0, 0, 0, 1]), 12);
        Assert.InRange(expected, 0.3436, 0.3438);
    }

    [Fact]
    public void LocalNmiAveragesPerIdentity()
    {
        var pairs = new (int Identity, int True, int Predicted)[]
        {
            (1, 0, 0), (1, 0, 0), (1, 1, 1), (1, 1, 1),   // identity 1: perfect → 1
            (2, 0, 0), (2, 0, 1), (2, 0, 2), (2, 0, 3),   // identity 2: one class split four ways → 0
        };
        var local = NormalizedMutualInformation.MeanOverGroups(pairs.GroupBy(p => p.Identity, p => (p.True, p.Predicted)));
        Assert.Equal(0.5, local, 12);
    }

    [Fact]
    public void MseAndPsnrOfAConstantDifference()
    {
        var real = rand(new long[] { 2, 3, 3, 8, 8 }, generator: new Generator(1), dtype: float64) * 0.8;
        var generated = real + 0.1;
        Assert.All(ImageQuality.Mse(generated, real).data<double>().ToArray(), v => Assert.Equal(0.01, v, 9));
        // PSNR = −10·log10(0.01 + 1e-8) ≈ 20 dB; identical frames give −10·log10(1e-8) = 80 dB.
        var psnr = ImageQuality.Psnr(generated, real);
        Assert.Equal(new long[] { 2, 3 }, psnr.shape);
        Assert.All(psnr.data<double>().ToArray(), v => Assert.Equal(-10 * Math.Log10(0.01 + 1e-8), v, 6));
        Assert.Equal(80.0, ImageQuality.Psnr(real, real).mean().item<double>(), 6);
        // data range 2 (frames in [-1, 1]): the same difference is 6 dB better
        Assert.Equal(-10 * Math.Log10(0.0025 + 1e-8), ImageQuality.Psnr(generated, real, dataRange: 2).mean().item<double>(), 6);
    }

    [Fact]
    public void SsimOfAnImageWithItselfIsOne()
    {
        var image = rand(2, 3, 32, 40, generator: new Generator(7));
        Assert.All(ImageQuality.Ssim(image, image).data<double>().ToArray(), v => Assert.Equal(1.0, v, 12));
    }

    [Fact]
    public void SsimOfConstantImagesIsTheLuminanceTerm()
    {
        // No variance: SSIM = (2ab + C1) / (a² + b² + C1) with C1 = 0.01², whatever the window.
        double a = 0.3, b = 0.6, c1 = 1e-4;
        var x = full(1, 3, 16, 16, a, dtype: float64);
        var y = full(1, 3, 16, 16, b, dtype: float64);
        Assert.Equal((2 * a * b + c1) / (a * a + b * b + c1), ImageQuality.Ssim(x, y).item<double>(), 12);
    }

    [Fact]
    public void SsimOfAConstantImageAndACheckerboardNoisyCopy()
    {
        // The documented noisy pair: x = 0.5 everywhere, y = x + 0.1·s with s(i, j) = (−1)^(i+j), 32×32, 3 channels.
        // With the separable Gaussian window g (11 taps, σ 1.5) and α = Σ_u g_u(−1)^u, at a window centred on a pixel
        // of sign s: μx = c, σx = 0, σxy = 0, μy = c + d·s·α², σy² = d²(1 − α⁴). The valid 22×22 map holds as many
        // + as − centres, so SSIM = mean over s = ±1 of (2cμy + C1)·C2 / ((c² + μy² + C1)(σy² + C2)).
        double c = 0.5, d = 0.1, c1 = 1e-4, c2 = 9e-4;
        var g = Enumerable.Range(-5, 11).Select(u => Math.Exp(-u * u / (2 * 1.5 * 1.5))).ToArray();
        double alpha = g.Select((v, i) => v * ((i - 5) % 2 == 0 ? 1 : -1)).Sum() / g.Sum();
        double Term(int s)
        {
            double muY = c + d * s * alpha * alpha, varY = d * d * (1 - Math.Pow(alpha, 4));
            return (2 * c * muY + c1) * c2 / ((c * c + muY * muY + c1) * (varY + c2));
        }
        double expected = (Term(1) + Term(-1)) / 2;
        var sign = (arange(32).reshape(32, 1) + arange(32).reshape(1, 32)).remainder(2).to(float64) * -2 + 1;
        var x = full(1, 3, 32, 32, c, dtype: float64);
        var y = x + d * sign;
        double ssim = ImageQuality.Ssim(y, x).item<double>();
        Assert.Equal(expected, ssim, 10);
        Assert.InRange(ssim, 0.05, 0.2); // strong noise relative to C2: structure term dominates (≈ 0.097)
        // symmetric in its arguments
        Assert.Equal(ssim, ImageQuality.Ssim(x, y).item<double>(), 12);
    }

    [Fact]
    public void SsimWithAOnePixelWindowReproducesTheReferenceFigure()
    {
        // The reference's piq call puts the data range where the kernel size belongs → a 1×1 window: per-pixel
        // (2xy + C1)/(x² + y² + C1), averaged (σ terms are 0 and C2/C2 = 1).
        var x = rand(1, 3, 12, 12, generator: new Generator(3), dtype: float64);
        var y = rand(1, 3, 12, 12, generator: new Generator(4), dtype: float64);
        var expected = ((2 * x * y + 1e-4) / (x * x + y * y + 1e-4)).mean().item<double>();
        Assert.Equal(expected, ImageQuality.Ssim(x, y, kernelSize: 1).item<double>(), 12);
        Assert.NotEqual(expected, ImageQuality.Ssim(x, y).item<double>(), 3);
        Assert.Throws<GlassException>(() => ImageQuality.Ssim(zeros(1, 3, 8, 8), zeros(1, 3, 8, 8))); // smaller than the window
    }
}
