using Glass.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>How evaluation regenerates a clip from its first frame.</summary>
public enum GenerationMode
{
    /// <summary>The reference evaluation dataset builder's clips: the first frame's inpainted background shifted by
    /// the accumulated predicted background shifts, under foregrounds rendered by the dynamics network from the
    /// inferred global and local actions, teacher-forced on the real foregrounds (num_ground_truth_observations = T−1).</summary>
    Reference,
    /// <summary>The same composite with the dynamics network unrolled on its own renders after the first transition
    /// (num_ground_truth_observations = 1): generation from the first frame alone, driven by the real clip.</summary>
    Autoregressive,
}

/// <summary>Adapts <see cref="GlassModel"/> to the evaluator: eval mode, no gradients, the reference's Gumbel
/// temperature.</summary>
public sealed class GlassModelUnderEvaluation : IEvaluatedModel
{
    readonly GlassModel model;
    readonly double gumbelTemperature;
    readonly GenerationMode mode;

    public GlassModelUnderEvaluation(GlassModel model, double gumbelTemperature, GenerationMode mode = GenerationMode.Reference)
    {
        this.model = model;
        this.gumbelTemperature = gumbelTemperature;
        this.mode = mode;
        model.eval();
    }

    public int NumActions => model.NumLocalActions;

    public ModelAnalysis Analyze(Tensor observations /* (B, T, 3, H, W) */, bool generate)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long t = observations.shape[1];
        using var output = model.Forward(observations, (int)t - 1, gumbelTemperature, outputGenerated: generate && mode == GenerationMode.Reference);
        Tensor? generated = null;
        if (generate)
        {
            if (mode == GenerationMode.Reference) generated = output.GeneratedObservations;
            else
            {
                using var unrolled = model.Forward(observations, 1, gumbelTemperature, outputGenerated: true);
                generated = unrolled.GeneratedObservations.clone();
            }
        }
        return new ModelAnalysis(
            output.Masks.clone().MoveToOuterDisposeScope(),
            output.GlobalActions.clone().MoveToOuterDisposeScope(),
            output.BackgroundShifts.clone().MoveToOuterDisposeScope(),
            output.LocalActionIds.reshape(observations.shape[0], t - 1).to(int64).MoveToOuterDisposeScope(),
            generated?.clone().MoveToOuterDisposeScope());
    }
}
