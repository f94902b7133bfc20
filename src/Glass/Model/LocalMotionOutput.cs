using Glass.Model.LocalMotion;
using static TorchSharp.torch;

namespace Glass.Model;

/// <summary>
/// What staged training's local stage computes for a clip of T frames: the frozen global motion's foreground
/// layers (no gradients) and their local motion analysis. The background networks do not run: no local term
/// reads them. Dispose releases every tensor.
/// </summary>
public sealed class LocalMotionOutput : IDisposable
{
    /// <summary>(B, T, 1, H, W) foreground masks of the frozen masking network.</summary>
    public required Tensor Masks { get; init; }
    /// <summary>(B, T, 3, H, W) m * I.</summary>
    public required Tensor Foregrounds { get; init; }
    /// <summary>(B, T-1, 3, H, W) foreground t shifted by the global action.</summary>
    public required Tensor TransformedForegrounds { get; init; }
    /// <summary>(B, T-1, 2) global actions (foreground shifts), normalised units.</summary>
    public required Tensor GlobalActions { get; init; }
    /// <summary>The local motion analysis of the foregrounds.</summary>
    public required ActionSeparationResult Local { get; init; }

    IEnumerable<Tensor> Unique() =>
        new[] { Masks, Foregrounds, TransformedForegrounds, GlobalActions }.Concat(Local.Tensors()).Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>();

    /// <summary>Moves every tensor to the dispose scope enclosing the current one.</summary>
    public LocalMotionOutput MoveToOuterDisposeScope()
    {
        foreach (var t in Unique()) t.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        foreach (var t in Unique()) t.Dispose();
    }
}
