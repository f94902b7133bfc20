using System.CommandLine;
using Glass.Config;
using Glass.Training;

namespace Glass.Cli.Commands;

/// <summary>`glass train`: trains (or resumes, or fine-tunes) a model from a YAML config.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "YAML configuration (ours or the reference's)", Required = true };
        var run = new Option<string>("--run") { Description = "run name: logs and checkpoints go to runs/NAME/", Required = true };
        var steps = new Option<long?>("--steps") { Description = "total steps to train (overrides training.max_steps)" };
        var resume = new Option<bool>("--resume") { Description = "continue from runs/NAME/checkpoints/latest.glass" };
        var seed = new Option<int?>("--seed") { Description = "random seed (overrides training.seed)" };
        var data = new Option<string?>("--data") { Description = "dataset folder (overrides data.data_root)" };
        var vgg = new Option<string?>("--vgg-weights") { Description = "torchvision vgg19 state_dict for the perceptual losses" };
        var init = new Option<string?>("--init") { Description = "start from these weights (ours or a reference .pth): fine-tuning" };
        var initNetworks = new Option<string>("--init-networks")
        {
            Description = "which networks --init gives: all, or global (global motion only; local motion starts from its random initialisation)",
            DefaultValueFactory = _ => "all",
        };
        initNetworks.AcceptOnlyFromAmong("all", "global");
        var runs = new Option<string>("--runs-dir") { Description = "parent folder of runs", DefaultValueFactory = _ => "runs" };

        var command = new Command("train", "Train GLASS: every loss and schedule of the paper, resumable, with logs and checkpoints under runs/NAME/.")
        {
            config, run, steps, resume, seed, data, vgg, init, initNetworks, runs,
        };
        var runtime = new RuntimeOptions();
        runtime.AddTo(command);
        command.SetGuardedAction((r, cancel) =>
        {
            var cfg = GlassConfig.Load(r.GetValue(config)!);
            if (r.GetValue(steps) is { } s) cfg.Training.MaxSteps = s;
            if (r.GetValue(seed) is { } sd) cfg.Training.Seed = sd;
            if (r.GetValue(data) is { } dr) cfg.Data.DataRoot = dr;
            if (r.GetValue(vgg) is { } v) { cfg.Training.Perceptual.VggWeights = v; cfg.Training.Perceptual.Mode = "vgg"; }
            runtime.Apply(r, cfg);
            cfg.Validate();
            var runDir = Path.Combine(r.GetValue(runs)!, r.GetValue(run)!);
            using var stop = new GracefulStop("stopping after this step and writing a checkpoint", cancel);
            var outcome = TrainingSession.Run(cfg, runDir, r.GetValue(resume), r.GetValue(init), Console.Out, stop.Token,
                initGlobalMotionOnly: r.GetValue(initNetworks) == "global");
            Console.WriteLine(outcome.Interrupted
                ? $"interrupted at step {outcome.Step}; checkpoint written to {outcome.Checkpoint} (continue with --resume)"
                : $"finished at step {outcome.Step}; checkpoint {outcome.Checkpoint}");
            return 0;
        });
        return command;
    }
}
