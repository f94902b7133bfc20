using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model;

/// <summary>
/// What global motion analysis produces for a clip of T frames; <see cref="GlassOutput"/> adds local motion.
/// Dispose releases every tensor.
/// </summary>
public class GlobalMotionOutput : IDisposable
{
    /// <summary>(B, T, 3, H, W) the input frames in [-1, 1].</summary>
    public required Tensor Observations { get; init; }
    /// <summary>(B, T, 1, H, W) foreground masks m in [0, 1].</summary>
    public required Tensor Masks { get; init; }
    /// <summary>(B, T, 3, H, W) m * I.</summary>
    public required Tensor Foregrounds { get; init; }
    /// <summary>(B, T, 3, H, W) (1 - m) * I.</summary>
    public required Tensor Backgrounds { get; init; }
    /// <summary>(B, T, 3, H, W) frames with the masked pixels set to -1.1 (the inpainting input).</summary>
    public required Tensor PatchedBackgrounds { get; init; }
    /// <summary>(B, T, 3, H, W) inpainted backgrounds (known pixels kept).</summary>
    public required Tensor InpaintedBackgrounds { get; init; }
    /// <summary>(B, T-1, 3, H, W) inpainted background t shifted by the background shift.</summary>
    public required Tensor ShiftedBackgrounds { get; init; }
    /// <summary>(B, T-1, 2) background shifts (dx, dy), normalised units.</summary>
    public required Tensor BackgroundShifts { get; init; }
    /// <summary>(B, T-1, 3, H, W) foreground t shifted by the global action.</summary>
    public required Tensor TransformedForegrounds { get; init; }
    /// <summary>(B, T-1, 1, H, W) mask t shifted by the global action.</summary>
    public required Tensor TransformedMasks { get; init; }
    /// <summary>(B, T-1, 2) global actions = foreground shifts (dx, dy), normalised units.</summary>
    public required Tensor GlobalActions { get; init; }
    /// <summary>(B, T-1, 3, H, W) shifted mask * shifted foreground + (1 - shifted mask) * shifted background.</summary>
    public required Tensor ReconstructedObservations { get; init; }

    protected virtual IEnumerable<Tensor> All() =>
    [
        Observations, Masks, Foregrounds, Backgrounds, PatchedBackgrounds, InpaintedBackgrounds, ShiftedBackgrounds,
        BackgroundShifts, TransformedForegrounds, TransformedMasks, GlobalActions, ReconstructedObservations,
    ];

    protected IEnumerable<Tensor> Unique() => All().Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>();

    /// <summary>Moves every tensor to the dispose scope enclosing the current one.</summary>
    public GlobalMotionOutput MoveToOuterDisposeScope()
    {
        foreach (var t in Unique()) t.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        foreach (var t in Unique()) t.Dispose();
    }
}
