using Glass.Config;
using Glass.Model;
using Glass.Model.LocalMotion;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// Computes every loss term of GLASS from one forward pass and their weighted sum, as the
/// reference trainer does. During GMA pre-training the LMA terms are computed but weighted by zero.
/// </summary>
public sealed class LossTerms
{
    /// <summary>Term names in the reference's order (also the log keys).</summary>
    public static readonly string[] Names =
    [
        "reconstruction_loss", "foreground_loss", "background_loss", "background_perceptual_loss",
        "binary_mask_loss", "mask_size_loss",
        "multiscale_global_reconstruction_loss", "multiscale_local_reconstruction_loss",
        "multiscale_local_perceptual_loss", "local_state_reconstruction_loss", "local_action_vq_loss",
        "mask_reconstruction_loss",
    ];

    static readonly HashSet<string> LocalTerms =
    [
        "multiscale_global_reconstruction_loss", "multiscale_local_reconstruction_loss",
        "multiscale_local_perceptual_loss", "local_state_reconstruction_loss", "local_action_vq_loss",
        "mask_reconstruction_loss",
    ];

    /// <summary>Scalar tensors by name (unweighted), with gradients.</summary>
    public IReadOnlyDictionary<string, Tensor> Terms { get; }

    /// <summary>The weighted sum that is back-propagated.</summary>
    public Tensor Total { get; }

    LossTerms(Dictionary<string, Tensor> terms, Tensor total)
    {
        Terms = terms;
        Total = total;
    }

    /// <param name="output">the model's forward pass on a clip of T frames</param>
    /// <param name="perceptual">the VGG features, or null when the perceptual terms are off</param>
    /// <param name="gmaOnly">true during GMA pre-training</param>
    public static LossTerms Compute(GlassOutput output, TrainingConfig config, PerceptualNetwork? perceptual, bool gmaOnly)
    {
        var t = new Dictionary<string, Tensor>();
        AddGlobal(t, output.Observations, output.Masks, output.Foregrounds, output.TransformedForegrounds,
            output.InpaintedBackgrounds, output.ShiftedBackgrounds, output.ReconstructedObservations, config, perceptual);
        AddLocal(t, output.Masks, output.Foregrounds, output.TransformedForegrounds, output.LocalMotion, config, perceptual);
        return Weighted(t, config.LossWeights, name => gmaOnly && LocalTerms.Contains(name) ? 0.0 : 1.0);
    }

    /// <summary>The global-motion terms alone (staged training's first stage).</summary>
    public static LossTerms ComputeGlobalMotion(GlobalMotionOutput g, TrainingConfig config, PerceptualNetwork? perceptual)
    {
        var t = new Dictionary<string, Tensor>();
        AddGlobal(t, g.Observations, g.Masks, g.Foregrounds, g.TransformedForegrounds, g.InpaintedBackgrounds,
            g.ShiftedBackgrounds, g.ReconstructedObservations, config, perceptual);
        return Weighted(t, config.LossWeights, _ => 1.0);
    }

    /// <summary>The local-motion terms alone (staged training's second stage, global motion frozen).</summary>
    public static LossTerms ComputeLocalMotion(LocalMotionOutput output, TrainingConfig config, PerceptualNetwork? perceptual)
    {
        var t = new Dictionary<string, Tensor>();
        AddLocal(t, output.Masks, output.Foregrounds, output.TransformedForegrounds, output.Local, config, perceptual);
        return Weighted(t, config.LossWeights, _ => 1.0);
    }

    static void AddGlobal(Dictionary<string, Tensor> t, Tensor observations, Tensor masks, Tensor foregrounds,
        Tensor transformedForegrounds, Tensor inpaintedBackgrounds, Tensor shiftedBackgrounds, Tensor reconstructed,
        TrainingConfig config, PerceptualNetwork? perceptual)
    {
        var w = config.LossWeights;
        var motionWeights = MotionWeights.Global(observations, reconstructed, bias: 0.001);
        t["reconstruction_loss"] = Losses.Reconstruction(observations[.., 1..], reconstructed, motionWeights);
        t["foreground_loss"] = Losses.ForegroundTransform(foregrounds, transformedForegrounds);
        t["background_loss"] = Losses.BackgroundShift(inpaintedBackgrounds, shiftedBackgrounds);
        t["background_perceptual_loss"] = perceptual is null || w.BackgroundPerceptualLoss == 0
            ? zeros([], device: observations.device)
            : Losses.Perceptual(perceptual, inpaintedBackgrounds[.., 1..], shiftedBackgrounds);
        t["binary_mask_loss"] = Losses.BinaryMask(masks);
        t["mask_size_loss"] = Losses.MaskSize(masks, config.LossParams.MaskSize);
    }

    /// <summary>Local motion analysis, on foregrounds cut off from the segmentation's gradient.</summary>
    /// <param name="masks">(B, T, 1, H, W)</param>
    /// <param name="foregrounds">(B, T, 3, H, W)</param>
    /// <param name="transformedForegrounds">(B, T-1, 3, H, W)</param>
    static void AddLocal(Dictionary<string, Tensor> t, Tensor masks, Tensor foregrounds, Tensor transformedForegrounds,
        ActionSeparationResult local, TrainingConfig config, PerceptualNetwork? perceptual)
    {
        var w = config.LossWeights;
        double bias = config.LossParams.LocalWeightBias;
        foregrounds = foregrounds.detach();
        var rendered = local.ReconstructedForegrounds;
        var globalWeights = MotionWeights.Global(foregrounds, rendered[0], bias);
        var localWeights = MotionWeights.Local(foregrounds, transformedForegrounds, rendered[0], bias);
        t["multiscale_global_reconstruction_loss"] = Losses.Multiscale(foregrounds, rendered, (a, b) => Losses.Reconstruction(a, b, globalWeights));
        t["multiscale_local_reconstruction_loss"] = Losses.Multiscale(foregrounds, rendered, (a, b) => Losses.Reconstruction(a, b, localWeights));
        t["multiscale_local_perceptual_loss"] = perceptual is null || w.MultiscaleLocalPerceptualLoss == 0
            ? zeros([], device: foregrounds.device)
            : Losses.Multiscale(foregrounds, rendered, (a, b) => Losses.Perceptual(perceptual, a, b));
        t["local_state_reconstruction_loss"] = Losses.L1(local.States[.., 1..].detach(), local.ReconstructedStates);
        t["local_action_vq_loss"] = local.VqLoss;
        t["mask_reconstruction_loss"] = Losses.L1(masks[.., 1..].detach(), local.ReconstructedMasks);
    }

    /// <summary>Sum of the computed terms in the reference's order, each times its weight and a factor.</summary>
    static LossTerms Weighted(Dictionary<string, Tensor> t, LossWeightsConfig w, Func<string, double> factor)
    {
        Tensor? total = null;
        foreach (var name in Names)
        {
            if (!t.TryGetValue(name, out var value)) continue;
            var term = value * (Weight(w, name) * factor(name));
            total = total is null ? term : total + term;
        }
        return new LossTerms(t, total!);
    }

    /// <summary>The configured weight of a term.</summary>
    public static double Weight(LossWeightsConfig w, string name) => name switch
    {
        "reconstruction_loss" => w.ReconstructionLoss,
        "foreground_loss" => w.ForegroundLoss,
        "background_loss" => w.BackgroundLoss,
        "background_perceptual_loss" => w.BackgroundPerceptualLoss,
        "binary_mask_loss" => w.BinaryMaskLoss,
        "mask_size_loss" => w.MaskSizeLoss,
        "multiscale_global_reconstruction_loss" => w.MultiscaleGlobalReconstructionLoss,
        "multiscale_local_reconstruction_loss" => w.MultiscaleLocalReconstructionLoss,
        "multiscale_local_perceptual_loss" => w.MultiscaleLocalPerceptualLoss,
        "local_state_reconstruction_loss" => w.LocalStateReconstructionLoss,
        "local_action_vq_loss" => w.LocalActionVqLoss,
        "mask_reconstruction_loss" => w.MaskReconstructionLoss,
        _ => throw new ArgumentException($"unknown loss term {name}"),
    };
}
