using Glass.Generation;
using Glass.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>How evaluation regenerates a clip from its first frame.</summary>
public enum GenerationMode
{
    /// <summary>The reference evaluation dataset builder's clips (its <c>output_generated</c> with
    /// num_ground_truth_observations = T−1): the first frame's inpainted background shifted by the accumulated
    /// predicted background shifts, under foregrounds the dynamics network renders from the inferred actions while
    /// teacher-forced on the real foregrounds.</summary>
    Reference,
    /// <summary>Generation from the first frame alone, as a user plays the model (<see cref="GenerationSession"/>):
    /// the inferred foreground shifts, local action ids and background shifts replayed step by step, each step
    /// starting from the previous rendered foreground.</summary>
    Autoregressive,
}

/// <summary>Adapts <see cref="GlassModel"/> to the evaluator: eval mode, no gradients, the reference's Gumbel
/// temperature for the teacher-forced pass.</summary>
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
        long b = observations.shape[0], t = observations.shape[1];
        // The reference's generated clip is the teacher-forced one: it is computed whenever frames are asked for.
        using var output = model.Forward(observations, (int)t - 1, gumbelTemperature, outputGenerated: generate);
        var ids = output.LocalActionIds.reshape(b, t - 1).to(int64);
        var teacher = generate ? output.GeneratedObservations.clone() : null;
        Tensor? generated = !generate ? null
            : mode == GenerationMode.Reference ? teacher
            : Replay(observations[.., 0], output.GlobalActions, ids, output.BackgroundShifts);
        return new ModelAnalysis(
            output.Masks.clone().MoveToOuterDisposeScope(),
            output.GlobalActions.clone().MoveToOuterDisposeScope(),
            output.BackgroundShifts.clone().MoveToOuterDisposeScope(),
            ids.MoveToOuterDisposeScope(),
            generated?.MoveToOuterDisposeScope(),
            teacher?.MoveToOuterDisposeScope());
    }

    /// <summary>Frames 1..n generated from the first frames with the given per-transition actions.</summary>
    /// <returns>(B, n, 3, H, W)</returns>
    public Tensor Replay(Tensor firstFrames /* (B, 3, H, W) */, Tensor foregroundShifts /* (B, n, 2) */, Tensor ids /* (B, n) */,
        Tensor backgroundShifts /* (B, n, 2) */)
    {
        using var scope = NewDisposeScope();
        using var session = new GenerationSession(model, firstFrames);
        var frames = new List<Tensor>();
        for (long k = 0; k < ids.shape[1]; k++)
        {
            using var step = session.Step(foregroundShifts[.., k], ids[.., k], backgroundShifts[.., k]);
            frames.Add(step.Frames.clone());
        }
        return stack(frames, 1).MoveToOuterDisposeScope();
    }
}
