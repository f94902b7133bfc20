using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model;

/// <summary>
/// What global motion analysis produces for a clip of T frames (the GMA half of <see cref="GlassOutput"/>).
/// Dispose releases every tensor.
/// </summary>
public sealed class GlobalMotionOutput : IDisposable
{
    /// <summary>(B, T, 3, H, W) the input frames in [-1, 1].</summary>
    public required Tensor Observations { get; init; }
    /// <summary>(B, T, 1, H, W) foreground masks m.</summary>
    public required Tensor Masks { get; init; }
    /// <summary>(B, T, 3, H, W) m * I.</summary>
    public required Tensor Foregrounds { get; init; }
    /// <summary>(B, T, 3, H, W) (1 - m) * I.</summary>
    public required Tensor Backgrounds { get; init; }
    /// <summary>(B, T, 3, H, W) the inpainting input.</summary>
    public required Tensor PatchedBackgrounds { get; init; }
    /// <summary>(B, T, 3, H, W) inpainted backgrounds.</summary>
    public required Tensor InpaintedBackgrounds { get; init; }
    /// <summary>(B, T-1, 3, H, W) inpainted background t shifted by the background shift.</summary>
    public required Tensor ShiftedBackgrounds { get; init; }
    /// <summary>(B, T-1, 2) background shifts.</summary>
    public required Tensor BackgroundShifts { get; init; }
    /// <summary>(B, T-1, 3, H, W) foreground t shifted by the global action.</summary>
    public required Tensor TransformedForegrounds { get; init; }
    /// <summary>(B, T-1, 1, H, W) mask t shifted by the global action.</summary>
    public required Tensor TransformedMasks { get; init; }
    /// <summary>(B, T-1, 2) global actions.</summary>
    public required Tensor GlobalActions { get; init; }
    /// <summary>(B, T-1, 3, H, W) the shifted layers composited.</summary>
    public required Tensor ReconstructedObservations { get; init; }

    IEnumerable<Tensor> All() =>
    [
        Observations, Masks, Foregrounds, Backgrounds, PatchedBackgrounds, InpaintedBackgrounds, ShiftedBackgrounds,
        BackgroundShifts, TransformedForegrounds, TransformedMasks, GlobalActions, ReconstructedObservations,
    ];

    public GlobalMotionOutput MoveToOuterDisposeScope()
    {
        foreach (var t in All().Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>()) t.MoveToOuterDisposeScope();
        return this;
    }

    public void Dispose()
    {
        foreach (var t in All().Distinct(ReferenceEqualityComparer.Instance).Cast<Tensor>()) t.Dispose();
    }
}
