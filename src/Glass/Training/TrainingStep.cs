using Glass.Config;
using Glass.Model;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// What one optimisation step computes before its backward pass, by the kind of step the schedule asks for:
/// joint (the reference's, GMA pre-training weighting the local terms by zero), or staged: global motion alone,
/// or local motion alone on the frozen global-motion networks (eval mode, no gradients). The trainer and the
/// training benchmark both run it, so the benchmark times the trainer's step.
/// </summary>
public static class TrainingStep
{
    /// <summary>The step's forward pass; sets the model's train/eval modes as the step kind needs.</summary>
    /// <param name="observations">(B, T, 3, H, W) frames in [-1, 1]</param>
    /// <returns>a <see cref="GlassOutput"/>, or for the staged global-motion stage its <see cref="GlobalMotionOutput"/> alone</returns>
    public static GlobalMotionOutput Forward(GlassModel model, Tensor observations, int groundTruth, double temperature, bool staged, bool gmaOnly)
    {
        model.train();
        if (!staged) return model.Forward(observations, groundTruth, temperature, outputGenerated: false);
        if (gmaOnly) return model.AnalyzeGlobalMotion(observations);
        foreach (var m in model.GlobalMotionNetworks) m.eval();
        return model.Forward(observations, groundTruth, temperature, outputGenerated: false, frozenGlobalMotion: true);
    }

    /// <summary>The loss terms of <see cref="Forward"/>'s output for the same step kind.</summary>
    public static LossTerms Losses(GlobalMotionOutput output, TrainingConfig config, PerceptualNetwork? perceptual, bool staged, bool gmaOnly) =>
        !staged ? LossTerms.Compute((GlassOutput)output, config, perceptual, gmaOnly)
        : gmaOnly ? LossTerms.ComputeGlobalMotion(output, config, perceptual)
        : LossTerms.ComputeLocalMotion((GlassOutput)output, config, perceptual);
}
