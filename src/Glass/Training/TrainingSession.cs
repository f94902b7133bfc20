using Glass.Config;
using Glass.Model;
using Glass.Runtime;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>Sets up and runs one training run from a validated configuration: device and threads,
/// seeds, model (fresh, fine-tuned or resumed), data, trainer.</summary>
public static class TrainingSession
{
    /// <param name="runDirectory">runs/NAME</param>
    /// <param name="resume">continue from runs/NAME/checkpoints/latest.glass</param>
    /// <param name="initFrom">initial weights for fine-tuning (ours or a reference checkpoint)</param>
    public static int Run(GlassConfig config, string runDirectory, bool resume, string? initFrom, TextWriter output, CancellationToken cancel)
    {
        TorchRuntime.Initialize(config.Runtime.Threads);
        var device = TorchRuntime.ParseDevice(config.Runtime.Device);
        var run = new RunDirectory(runDirectory);
        run.RemoveStaleTemporaries();
        string? resumeFrom = null;
        if (resume)
        {
            if (!File.Exists(run.LatestCheckpoint))
                throw new GlassException($"{run.LatestCheckpoint}: no checkpoint to resume from; start the run without --resume");
            resumeFrom = run.LatestCheckpoint;
        }
        else if (File.Exists(run.LatestCheckpoint))
            throw new GlassException($"{run.Path} already holds a run; pass --resume to continue it or choose another --run name");

        random.manual_seed(config.Training.Seed);
        var model = new GlassModel(config.Model);
        model.to(device);
        if (initFrom is not null && resumeFrom is null)
        {
            TrainingCheckpoint.LoadWeights(initFrom, model, config, device);
            output.WriteLine($"initialised weights from {initFrom}");
        }
        File.WriteAllText(Path.Combine(run.Path, "config.yaml"), config.ToYaml());

        using var data = ClipSource.ForTraining(config, device);
        using var trainer = new Trainer(config, model, data, run, device, resumeFrom);
        output.WriteLine($"run {run.Path}: {model.parameters().Sum(p => p.numel()):N0} parameters, {data.Description}, device {device}, {get_num_threads()} threads; step {trainer.Step} of {trainer.TotalSteps}");
        trainer.Run(cancel);
        output.WriteLine(cancel.IsCancellationRequested
            ? $"interrupted at step {trainer.Step}; checkpoint written to {run.LatestCheckpoint} (continue with --resume)"
            : $"finished at step {trainer.Step}; checkpoint {run.LatestCheckpoint}");
        return 0;
    }
}
