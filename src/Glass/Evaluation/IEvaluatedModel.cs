using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>What the evaluator needs from a model: its teacher-forced analysis of a clip and the clip regenerated
/// from its first frame with the inferred actions. <see cref="GlassModelUnderEvaluation"/> adapts the GLASS model;
/// tests use exact stand-ins whose figures are known.</summary>
public interface IEvaluatedModel
{
    /// <summary>K, the number of learned local actions (for random-id NMI and the confusion plot).</summary>
    int NumActions { get; }

    /// <summary>Runs the model teacher-forced on real frames (every transition uses the real previous frame); with
    /// <paramref name="generate"/>, also regenerates frames 1..T−1 from the first frame with the actions it inferred
    /// (<see cref="ModelAnalysis.Generated"/>).</summary>
    ModelAnalysis Analyze(Tensor observations /* (B, T, 3, H, W) in [-1, 1] */, bool generate);

    /// <summary>Generates frames from first frames alone, as a user plays the model: one transition per given
    /// action, each starting from the previous generated foreground.</summary>
    /// <returns>(B, n, 3, H, W) in [-1, 1]</returns>
    Tensor Replay(Tensor firstFrames /* (B, 3, H, W) */, Tensor foregroundShifts /* (B, n, 2) */, Tensor ids /* (B, n) int64 */,
        Tensor backgroundShifts /* (B, n, 2) */);
}

/// <summary>A model's reading of clips of T frames. Owns its tensors.</summary>
/// <param name="Masks">(B, T, 1, H, W) foreground masks in [0, 1].</param>
/// <param name="ForegroundShifts">(B, T−1, 2) predicted foreground shifts (global actions), normalized units.</param>
/// <param name="BackgroundShifts">(B, T−1, 2) predicted background shifts, normalized units.</param>
/// <param name="ActionIds">(B, T−1) int64 learned local action ids.</param>
/// <param name="Generated">(B, T−1, 3, H, W) in [-1, 1]: frames 1..T−1 regenerated from frame 0, when asked for.</param>
/// <param name="TeacherForced">(B, T−1, 3, H, W) in [-1, 1]: frames 1..T−1, each rendered from the real previous frame
/// with the inferred actions, when asked for (null when the model cannot say).</param>
public sealed record ModelAnalysis(Tensor Masks, Tensor ForegroundShifts, Tensor BackgroundShifts, Tensor ActionIds, Tensor? Generated = null,
    Tensor? TeacherForced = null) : IDisposable
{
    public void Dispose()
    {
        Masks.Dispose();
        ForegroundShifts.Dispose();
        BackgroundShifts.Dispose();
        ActionIds.Dispose();
        Generated?.Dispose();
        if (!ReferenceEquals(TeacherForced, Generated)) TeacherForced?.Dispose();
    }
}
