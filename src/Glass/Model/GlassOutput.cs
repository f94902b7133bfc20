using Glass.Model.LocalMotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model;

/// <summary>
/// Everything one forward pass of <see cref="GlassModel"/> produces, one property per key of the
/// reference's output dict. T = number of input frames; transitions are t -> t+1 (T-1 of them).
/// Dispose releases every tensor.
/// </summary>
public sealed class GlassOutput : GlobalMotionOutput
{
    /// <summary>(B, T, S, h, w) local states phi of the foregrounds.</summary>
    public required Tensor LocalStates { get; init; }
    /// <summary>Rendered next foregrounds: [full (B, T-1, 3, H, W), half (B, T-1, 3, H/2, W/2), quarter (B, T-1, 3, H/4, W/4)].</summary>
    public required Tensor[] ReconstructedForegrounds { get; init; }
    /// <summary>(B, T-1, 1, H, W) rendered next masks.</summary>
    public required Tensor ReconstructedMasks { get; init; }
    /// <summary>(B, T-1, S, h, w) states of the re-encoded rendered foregrounds.</summary>
    public required Tensor ReconstructedLocalStates { get; init; }
    /// <summary>Scalar VQ-VAE loss (zero with Gumbel-softmax).</summary>
    public required Tensor LocalActionVqLoss { get; init; }
    /// <summary>(B, T-1) int64 local action ids (with Gumbel-softmax: the most likely entry of the sample).</summary>
    public required Tensor LocalActionIds { get; init; }
    /// <summary>(B, T-1, K) the Gumbel-softmax sample; null with the vector quantizer.</summary>
    public Tensor? LocalActionProbabilities { get; init; }
    /// <summary>(B, T-1, D) the action head's output before quantization (Gumbel-softmax: the K logits).</summary>
    public required Tensor LocalActionEmbeddings { get; init; }
    /// <summary>(B, T-1, 3, H, W) with outputGenerated: rendered foregrounds over the first inpainted background
    /// shifted by the accumulated background shifts; otherwise the same tensor as ReconstructedObservations.</summary>
    public required Tensor GeneratedObservations { get; init; }

    /// <summary>The local motion analysis part of this output, as <see cref="ActionSeparator"/> returns it.</summary>
    public ActionSeparationResult LocalMotion => new(LocalStates, LocalActionVqLoss, LocalActionIds, LocalActionProbabilities,
        LocalActionEmbeddings, ReconstructedForegrounds, ReconstructedMasks, ReconstructedLocalStates);

    protected override IEnumerable<Tensor> All()
    {
        foreach (var t in base.All()) yield return t;
        foreach (var t in LocalMotion.Tensors()) yield return t;
        yield return GeneratedObservations;
    }

    /// <summary>Moves every tensor to the dispose scope enclosing the current one.</summary>
    public new GlassOutput MoveToOuterDisposeScope()
    {
        foreach (var t in Unique()) t.MoveToOuterDisposeScope();
        return this;
    }

    /// <summary>Takes every tensor out of dispose scopes (the caller disposes this output).</summary>
    public GlassOutput DetachFromDisposeScope()
    {
        foreach (var t in Unique()) t.DetachFromDisposeScope();
        return this;
    }
}
