using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>Fréchet distance between two Gaussians, d² = |μ1 − μ2|² + Tr(Σ1 + Σ2 − 2(Σ1Σ2)^½) — FID on Inception
/// features, FVD on I3D logits. Tr((Σ1Σ2)^½) is computed as Tr((√Σ1 Σ2 √Σ1)^½) from symmetric eigendecompositions
/// (the same value, as tfgan computes it for FVD), in float64, clipping round-off negative eigenvalues to zero, so
/// singular covariances (fewer samples than dimensions) need no diagonal offset.</summary>
public static class FrechetDistance
{
    /// <summary>Distance between the Gaussians fitted to two sets of features (rows = samples): sample means and
    /// covariances normalised by n − 1, as numpy.cov and tfgan do.</summary>
    public static double FromFeatures(Tensor features1 /* (N1, D) */, Tensor features2 /* (N2, D) */)
    {
        if (features1.dim() != 2 || features2.dim() != 2 || features1.shape[1] != features2.shape[1])
            throw new GlassException($"Fréchet distance: features must be (N, D) with the same D, got {MaskIoU.Shape(features1)} and {MaskIoU.Shape(features2)}");
        if (features1.shape[0] < 2 || features2.shape[0] < 2)
            throw new GlassException($"Fréchet distance: needs at least 2 samples per set to estimate a covariance, got {features1.shape[0]} and {features2.shape[0]}; evaluate more clips");
        using var scope = NewDisposeScope();
        var (mu1, sigma1) = MeanAndCovariance(features1);
        var (mu2, sigma2) = MeanAndCovariance(features2);
        return Compute(mu1, sigma1, mu2, sigma2);
    }

    public static double Compute(Tensor mu1 /* (D) */, Tensor sigma1 /* (D, D) */, Tensor mu2 /* (D) */, Tensor sigma2 /* (D, D) */)
    {
        using var scope = NewDisposeScope();
        var m1 = mu1.to(float64); var m2 = mu2.to(float64);
        var s1 = sigma1.to(float64); var s2 = sigma2.to(float64);
        var difference = m1 - m2;
        var sqrtS1 = SymmetricSquareRoot(s1);
        var inner = sqrtS1.matmul(s2).matmul(sqrtS1);
        inner = (inner + inner.T) / 2; // symmetric up to round-off; eigh needs it exact
        var traceSqrt = linalg.eigh(inner).Item1.clamp_min(0).sqrt().sum();
        var d2 = difference.dot(difference) + s1.trace() + s2.trace() - 2 * traceSqrt;
        return d2.item<double>();
    }

    /// <summary>Sample mean (D) and covariance (D, D) of rows, normalised by n − 1.</summary>
    public static (Tensor Mean, Tensor Covariance) MeanAndCovariance(Tensor features /* (N, D) */)
    {
        using var scope = NewDisposeScope();
        var x = features.to(float64);
        var mean = x.mean([0]);
        var centered = x - mean;
        var covariance = centered.T.matmul(centered) / (x.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    static Tensor SymmetricSquareRoot(Tensor s /* (D, D) */)
    {
        var (values, vectors) = linalg.eigh((s + s.T) / 2);
        return (vectors * values.clamp_min(0).sqrt().unsqueeze(0)).matmul(vectors.T);
    }
}
