using System.Text.Json.Nodes;
using Glass.Checkpoints;
using Glass.Config;
using Glass.Model;
using TorchSharp.Modules;

namespace Glass.Training;

/// <summary>Counters a resumed run continues from.</summary>
public sealed record TrainingState(long Step, long NonFiniteGradients);

/// <summary>
/// A training checkpoint is our checkpoint format (<see cref="GlassCheckpoint"/>) carrying, besides
/// the configuration and weights, the Adam state, the step, the torch RNG state and our counters.
/// The learning rate is a function of the step (MultiStepLR), so the step is the scheduler state.
/// </summary>
public static class TrainingCheckpoint
{
    public static void Save(string path, GlassConfig config, GlassModel model, Adam optimizer, TrainingState state)
    {
        var scheduler = new JsonObject
        {
            ["type"] = "MultiStepLR",
            ["milestones"] = new JsonArray(config.Training.LrSchedule.Select(m => (JsonNode)m).ToArray()),
            ["gamma"] = config.Training.LrGamma,
            ["last_epoch"] = state.Step,
        };
        var metadata = new JsonObject { ["nonfinite_gradients"] = state.NonFiniteGradients };
        GlassCheckpoint.Save(path, config, model, optimizer, state.Step, config.Training.Seed, scheduler, metadata);
    }

    /// <summary>Restores weights, optimizer, RNG and counters of a run's checkpoint.</summary>
    public static TrainingState Load(string path, GlassModel model, Adam optimizer)
    {
        using var checkpoint = GlassCheckpoint.Read(path);
        StateDictCopy.Checkpoint(path).Into(model, checkpoint.ModelState);
        checkpoint.RestoreOptimizer(optimizer, path);
        checkpoint.RestoreRng();
        long nonFinite = checkpoint.Metadata["nonfinite_gradients"]?.GetValue<long>() ?? 0;
        return new TrainingState(checkpoint.GlobalStep, nonFinite);
    }
}
