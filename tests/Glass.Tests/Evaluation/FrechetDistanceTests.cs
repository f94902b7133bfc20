using Glass.Evaluation;
using Glass.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Evaluation;

public class FrechetDistanceTests
{
    public FrechetDistanceTests() => TorchRuntime.Initialize();

    [Fact]
    public void OneDimensionalGaussians()
    {
        // N(1, 2²) vs N(4, 3²): (1 − 4)² + (2 − 3)² = 10
        var d = FrechetDistance.Compute(tensor(new[] { 1.0 }), tensor(new[,] { { 4.0 } }),
            tensor(new[] { 4.0 }), tensor(new[,] { { 9.0 } }));
        Assert.Equal(10.0, d, 9);
    }

    [Fact]
    public void DiagonalAndNonCommutingCovariances()
    {
        // diagonal: Σ (μ diff)² + Σ (√a − √b)²  = (1 + 4) + ((1 − 2)² + (3 − 1)²) = 10
        var d = FrechetDistance.Compute(tensor(new[] { 0.0, 0.0 }), diag(tensor(new[] { 1.0, 9.0 })),
            tensor(new[] { 1.0, 2.0 }), diag(tensor(new[] { 4.0, 1.0 })));
        Assert.Equal(10.0, d, 9);
        // Σ1 = [[2,1],[1,2]] (eigenvalues 3, 1), Σ2 = I: Tr √Σ1 = √3 + 1 → d² = 4 + 2 − 2(√3 + 1)
        var d2 = FrechetDistance.Compute(zeros(2, dtype: float64), tensor(new[,] { { 2.0, 1.0 }, { 1.0, 2.0 } }),
            zeros(2, dtype: float64), eye(2, dtype: float64));
        Assert.Equal(6 - 2 * (Math.Sqrt(3) + 1), d2, 9);
        // Σ1 = diag(4, 1), Σ2 = [[2,1],[1,2]]: Σ1Σ2 = [[8,4],[1,2]] has eigenvalues 5 ± √13, so
        // Tr (Σ1Σ2)^½ = √(5+√13) + √(5−√13) = √(10 + 2·√(25 − 13)) = √(10 + 4√3)
        var d3 = FrechetDistance.Compute(zeros(2, dtype: float64), diag(tensor(new[] { 4.0, 1.0 })),
            zeros(2, dtype: float64), tensor(new[,] { { 2.0, 1.0 }, { 1.0, 2.0 } }));
        Assert.Equal(5 + 4 - 2 * Math.Sqrt(10 + 4 * Math.Sqrt(3)), d3, 9);
    }

    [Fact]
    public void FromFeaturesUsesUnbiasedCovarianceAndIsZeroForIdenticalSets()
    {
        var a = randn(50, 6, generator: new Generator(11), dtype: float64);
        Assert.Equal(0.0, FrechetDistance.FromFeatures(a, a), 8);
        // shifting every sample by v moves only the means: d² = |v|²
        var v = tensor(new[] { 1.0, -2.0, 0.5, 0, 0, 3 });
        Assert.Equal(1 + 4 + 0.25 + 9, FrechetDistance.FromFeatures(a, a + v), 8);
        // two samples {0, 2} in 1-D: mean 1, unbiased variance 2; vs {1, 1}: mean 1, variance 0 → d² = 2
        Assert.Equal(2.0, FrechetDistance.FromFeatures(tensor(new[,] { { 0.0 }, { 2.0 } }), tensor(new[,] { { 1.0 }, { 1.0 } })), 9);
        Assert.Throws<GlassException>(() => FrechetDistance.FromFeatures(zeros(1, 3), zeros(4, 3)));
        // fewer samples than dimensions (singular covariances) still gives a finite, non-negative value
        var few1 = randn(5, 64, generator: new Generator(1), dtype: float64);
        var few2 = randn(5, 64, generator: new Generator(2), dtype: float64);
        var d = FrechetDistance.FromFeatures(few1, few2);
        Assert.True(double.IsFinite(d) && d > 0);
    }
}
