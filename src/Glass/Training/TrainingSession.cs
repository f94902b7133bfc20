using Glass.Checkpoints;
using Glass.Config;
using Glass.Data;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>Where a run stopped: the step reached, whether it was interrupted, and its latest checkpoint.</summary>
public sealed record TrainingOutcome(long Step, bool Interrupted, string Checkpoint);

/// <summary>Sets up and runs one training run from a validated configuration: device and threads,
/// seeds, model (fresh, fine-tuned or resumed), data, trainer.</summary>
public static class TrainingSession
{
    /// <param name="runDirectory">runs/NAME</param>
    /// <param name="resume">continue from runs/NAME/checkpoints/latest.glass</param>
    /// <param name="initFrom">initial weights for fine-tuning (ours or a reference checkpoint)</param>
    /// <param name="initGlobalMotionOnly">take only the global-motion networks from <paramref name="initFrom"/>; local
    /// motion starts from this run's own random initialisation (a new local stage on a trained global motion)</param>
    public static TrainingOutcome Run(GlassConfig config, string runDirectory, bool resume, string? initFrom, TextWriter output, CancellationToken cancel,
        bool initGlobalMotionOnly = false)
    {
        if (initGlobalMotionOnly && initFrom is null)
            throw new GlassException("--init-networks global takes the global-motion networks of --init: give --init CHECKPOINT") { Input = GlassInput.Init };
        var device = TorchRuntime.Apply(config.Runtime);
        var run = new RunDirectory(runDirectory);
        run.RemoveStaleTemporaries();
        string? resumeFrom = null;
        if (resume)
        {
            if (!File.Exists(run.LatestCheckpoint))
                throw new GlassException($"{run.LatestCheckpoint}: no checkpoint to resume from; start the run afresh instead") { Input = GlassInput.Resume };
            resumeFrom = run.LatestCheckpoint;
        }
        else if (File.Exists(run.LatestCheckpoint))
            throw new GlassException($"{run.Path} already holds a run; resume it to continue, or choose another run name") { Input = GlassInput.Resume };

        // Staged with no global-motion stage trains local motion alone from the first step: on frozen global-motion
        // networks that must come from somewhere.
        if (config.Training.Staged && config.Training.PretrainingStepsGma == 0 && resumeFrom is null && initFrom is null)
            throw new GlassException("training.staged with training.pretraining_steps_gma 0 trains local motion only, on frozen global-motion networks: start from a trained checkpoint's weights (or set pretraining_steps_gma > 0)") { Input = GlassInput.Init };

        long startStep = 0;
        if (resumeFrom is not null)
        {
            using var saved = GlassCheckpoint.Read(resumeFrom);
            var differences = saved.Config.DifferencesFrom(config, "model");
            if (differences.Count > 0)
                throw new GlassException($"{resumeFrom}: the run was trained with another model configuration ({string.Join("; ", differences.Take(3))}); resume with its own config ({Path.Combine(run.Path, "config.yaml")})");
            startStep = saved.GlobalStep;
        }

        random.manual_seed(config.Training.Seed);
        var model = new GlassModel(config.Model);
        model.to(device);
        if (initFrom is not null && resumeFrom is null)
        {
            // The fresh local-motion weights are put back after the (strict, whole-model) load.
            var freshLocal = initGlobalMotionOnly
                ? model.LocalActionSeparator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone())
                : null;
            ModelStore.LoadWeights(initFrom, model);
            if (freshLocal is not null)
            {
                model.LocalActionSeparator.load_state_dict(freshLocal);
                foreach (var t in freshLocal.Values) t.Dispose();
            }
            output.WriteLine($"initialised {(initGlobalMotionOnly ? "the global-motion networks" : "weights")} from {initFrom}");
        }
        AtomicFile.Write(Path.Combine(run.Path, "config.yaml"), "config", s => s.Write(System.Text.Encoding.UTF8.GetBytes(config.ToYaml())));

        var schedules = new Schedules(config.Training);
        using var data = OpenTrainingData(config, schedules, startStep, device);
        using var trainer = new Trainer(config, model, data, run, device, resumeFrom);
        output.WriteLine($"run {run.Path}: {model.parameters().Sum(p => p.numel()):N0} parameters; {data.Dataset.Videos.Count} videos, {data.ClipCount} clips in {config.Data.DataRoot}; device {device}, {get_num_threads()} threads; step {trainer.Step} of {trainer.TotalSteps}");
        trainer.Run(cancel);
        return new TrainingOutcome(trainer.Step, cancel.IsCancellationRequested, run.LatestCheckpoint);
    }

    /// <summary>The train split, batched as training.batching says, starting at the run's step so a
    /// resumed run sees the same batches as an uninterrupted one.</summary>
    public static ClipLoader OpenTrainingData(GlassConfig config, Schedules schedules, long startStep, Device device)
    {
        int maxFrames = Math.Max(config.Training.NumObservationsStart, config.Training.NumObservationsEnd);
        if (config.Training.Batching.ObservationsCount < maxFrames)
            throw new GlassException($"training.batching.observations_count: {config.Training.Batching.ObservationsCount} is less than the {maxFrames} frames the curriculum asks for (num_observations_end)");
        return ClipLoader.FromConfig(config, "train", device, training: true, options =>
        {
            options.StartBatch = startStep;
            options.FramesSchedule = k => schedules.NumObservations(k); // the curriculum, handed to the loader once
            options.LoadMasks = false;
        });
    }
}
