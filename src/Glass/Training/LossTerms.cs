using Glass.Config;
using Glass.Model;
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
        var w = config.LossWeights;
        var observations = output.Observations;
        var t = new Dictionary<string, Tensor>();

        // Global motion analysis.
        var motionWeights = MotionWeights.Global(observations, output.ReconstructedObservations, bias: 0.001);
        t["reconstruction_loss"] = Losses.Reconstruction(observations[.., 1..], output.ReconstructedObservations, motionWeights);
        t["foreground_loss"] = Losses.ForegroundTransform(output.Foregrounds, output.TransformedForegrounds);
        t["background_loss"] = Losses.BackgroundShift(output.InpaintedBackgrounds, output.ShiftedBackgrounds);
        t["background_perceptual_loss"] = perceptual is null || w.BackgroundPerceptualLoss == 0
            ? zeros([], device: observations.device)
            : Losses.Perceptual(perceptual, output.InpaintedBackgrounds[.., 1..], output.ShiftedBackgrounds);
        t["binary_mask_loss"] = Losses.BinaryMask(output.Masks);
        t["mask_size_loss"] = Losses.MaskSize(output.Masks, config.LossParams.MaskSize);

        // Local motion analysis, on foregrounds cut off from the segmentation's gradient.
        var foregrounds = output.Foregrounds.detach();
        var rendered = output.ReconstructedForegrounds;
        var globalWeights = MotionWeights.Global(foregrounds, rendered[0]);
        var localWeights = MotionWeights.Local(foregrounds, output.TransformedForegrounds, rendered[0]);
        t["multiscale_global_reconstruction_loss"] = Losses.Multiscale(foregrounds, rendered, (a, b) => Losses.Reconstruction(a, b, globalWeights));
        t["multiscale_local_reconstruction_loss"] = Losses.Multiscale(foregrounds, rendered, (a, b) => Losses.Reconstruction(a, b, localWeights));
        t["multiscale_local_perceptual_loss"] = perceptual is null || w.MultiscaleLocalPerceptualLoss == 0
            ? zeros([], device: observations.device)
            : Losses.Multiscale(foregrounds, rendered, (a, b) => Losses.Perceptual(perceptual, a, b));
        t["local_state_reconstruction_loss"] = Losses.L1(output.LocalStates[.., 1..].detach(), output.ReconstructedLocalStates);
        t["local_action_vq_loss"] = output.LocalActionVqLoss;
        t["mask_reconstruction_loss"] = Losses.L1(output.Masks[.., 1..].detach(), output.ReconstructedMasks);

        Tensor? total = null;
        foreach (var name in Names)
        {
            double weight = Weight(w, name) * (gmaOnly && LocalTerms.Contains(name) ? 0.0 : 1.0);
            var term = t[name] * weight;
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
