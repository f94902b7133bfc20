using Glass.Data;
using Glass.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// Re-estimates every BatchNorm's running mean and variance for the final weights (training.bn_recalibration_batches;
/// the reference does not). The running statistics are an exponential average over batches of a network that
/// was still changing, taken under the curriculum of those steps, so in eval mode they can lag behind the final
/// weights; the local action head is the most sensitive (its outputs differ by a few hundredths, and stale
/// statistics can send almost every transition to one code). Forward passes in training mode without gradients,
/// with a cumulative average (momentum null; per time step for the dynamics' per-step statistics), over clips of the final curriculum; weights are untouched.
/// </summary>
public static class BatchNormRecalibration
{
    /// <returns>how many BatchNorm layers were re-estimated</returns>
    /// <param name="localMotionOnly">re-estimate only the local-motion networks' statistics (staged training: the
    /// local stage learned on the frozen global-motion networks' eval-mode outputs, which must stay as they were)</param>
    public static int Run(GlassModel model, Func<ClipBatch> nextBatch, int batches, int groundTruth, double gumbelTemperature,
        Device device, Action<int>? progress = null, bool localMotionOnly = false)
    {
        var norms = (localMotionOnly ? model.LocalActionSeparator.modules() : model.modules()).OfType<BatchNorm>().ToList();
        var momenta = norms.Select(n => n.momentum).ToList();
        var perStep = model.LocalActionSeparator.Dynamics.RecurrentBlocks.Where(b => b.PerStepStatistics).ToList();
        bool wasTraining = model.training;
        foreach (var n in norms) { n.reset_running_stats(); n.momentum = null; }
        foreach (var b in perStep) b.BeginCumulative();
        try
        {
            model.train();
            if (localMotionOnly) foreach (var m in model.GlobalMotionNetworks) m.eval();
            using var noGrad = no_grad();
            for (int i = 0; i < batches; i++)
            {
                using var scope = NewDisposeScope();
                using var batch = nextBatch();
                // The staged local stage's own forward pass: the background networks it does not train are not run.
                if (localMotionOnly) model.AnalyzeLocalMotion(batch.Observations.to(device), null, groundTruth, gumbelTemperature);
                else model.Forward(batch.Observations.to(device), groundTruth, gumbelTemperature);
                progress?.Invoke(i + 1);
            }
        }
        finally
        {
            for (int i = 0; i < norms.Count; i++) norms[i].momentum = momenta[i];
            foreach (var b in perStep) b.EndCumulative();
            model.train(wasTraining);
        }
        return norms.Count;
    }
}
