using Glass.Config;
using Glass.Model;
using Glass.Model.LocalMotion;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// What one optimisation step computes before its backward pass, by the kind of step the schedule asks for:
/// joint (the reference's, GMA pre-training weighting the local terms by zero), or staged: global motion alone,
/// or local motion alone on the frozen global-motion networks (eval mode, no gradients; the background networks
/// do not run). The trainer and the training benchmark both run it, so the benchmark times the trainer's step.
/// </summary>
public static class TrainingStep
{
    /// <summary>A step's forward pass: <see cref="Global"/> for joint steps (a <see cref="GlassOutput"/>) and
    /// the staged global stage, <see cref="Local"/> for the staged local stage.</summary>
    public sealed record Output(GlobalMotionOutput? Global, LocalMotionOutput? Local)
    {
        /// <summary>The step's local motion analysis; null in a global-motion-only step.</summary>
        public ActionSeparationResult? LocalMotion => Local?.Local ?? (Global as GlassOutput)?.LocalMotion;
    }

    /// <summary>The step's forward pass; sets the model's train/eval modes as the step kind needs.</summary>
    /// <param name="observations">(B, T, 3, H, W) frames in [-1, 1]</param>
    /// <param name="frozenMasks">(B, T, 1, H, W) the frozen masking network's masks (staged local stage, e.g. from
    /// <see cref="FrozenMaskCache"/>), or null to segment in the step</param>
    public static Output Forward(GlassModel model, Tensor observations, int groundTruth, double temperature, bool staged, bool gmaOnly,
        Tensor? frozenMasks = null)
    {
        model.train();
        if (!staged) return new(model.Forward(observations, groundTruth, temperature, outputGenerated: false), null);
        if (gmaOnly) return new(model.AnalyzeGlobalMotion(observations), null);
        foreach (var m in model.GlobalMotionNetworks) m.eval();
        return new(null, model.AnalyzeLocalMotion(observations, frozenMasks, groundTruth, temperature));
    }

    /// <summary>The loss terms of <see cref="Forward"/>'s output; its kind says which terms.</summary>
    /// <param name="gmaOnly">GMA pre-training: a joint step weights the local terms by zero</param>
    public static LossTerms Losses(Output output, TrainingConfig config, PerceptualNetwork? perceptual, bool gmaOnly) =>
        output.Local is { } local ? LossTerms.ComputeLocalMotion(local, config, perceptual)
        : output.Global is GlassOutput joint ? LossTerms.Compute(joint, config, perceptual, gmaOnly)
        : LossTerms.ComputeGlobalMotion(output.Global!, config, perceptual);
}
