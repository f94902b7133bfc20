using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>
/// Relaxed categorical sample (Gumbel-softmax, soft): softmax((logits + g) / tau) with g = -log(Exp(1)),
/// the same sampling rule as torch.nn.functional.gumbel_softmax(hard=false).
/// </summary>
public static class GumbelSoftmax
{
    /// <returns>(N, K) probabilities</returns>
    public static Tensor Sample(Tensor logits /* (N, K) */, double temperature, Generator? generator = null)
    {
        if (!(temperature > 0)) throw new GlassException($"gumbel temperature must be > 0, got {temperature}");
        using var scope = NewDisposeScope();
        var gumbels = torch.empty_like(logits).exponential_(1.0, generator).log_().neg_();
        return ((logits + gumbels) / temperature).softmax(-1).MoveToOuterDisposeScope();
    }
}
