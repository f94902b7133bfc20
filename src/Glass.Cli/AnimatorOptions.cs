using System.CommandLine;
using Glass.Checkpoints;
using Glass.Generation;
using Glass.IO;

namespace Glass.Cli;

/// <summary>Options shared by the commands that play a model (generate, matrix, transfer, demo):
/// the checkpoint, the device/threads, and the output's scale, rate and overwrite policy.</summary>
public sealed class AnimatorOptions
{
    public AnimatorOptions(string? defaultCheckpoint = null)
    {
        Checkpoint = new Option<string>("--checkpoint")
        {
            Description = "A Glass checkpoint (.glass, carries its configuration) or a PyTorch one of the reference (with --config)" + (defaultCheckpoint is null ? "" : $" (default: {defaultCheckpoint})"),
            Required = defaultCheckpoint is null,
        };
        if (defaultCheckpoint is not null) Checkpoint.DefaultValueFactory = _ => defaultCheckpoint;
    }

    public Option<string> Checkpoint { get; }
    public Option<string?> Config { get; } = new("--config") { Description = "YAML config: required for a PyTorch (reference) checkpoint; beside a .glass one it must describe the same model and replaces the stored config" };
    public RuntimeOptions Runtime { get; } = new();
    public Option<int> Scale { get; } = new("--scale") { Description = "Enlarge frames N times (nearest neighbour) in the outputs", DefaultValueFactory = _ => 1 };
    public Option<double> Fps { get; } = new("--fps") { Description = "Playback rate of GIF/MP4 outputs", DefaultValueFactory = _ => 10.0 };
    public Option<bool> Force { get; } = new("--force") { Description = "Overwrite existing outputs" };

    public void AddTo(Command command, bool outputOptions = true)
    {
        command.Options.Add(Checkpoint);
        command.Options.Add(Config);
        Runtime.AddTo(command);
        if (!outputOptions) return;
        command.Options.Add(Scale);
        command.Options.Add(Fps);
        command.Options.Add(Force);
    }

    public AnimationOptions Output(ParseResult result) =>
        new(result.GetValue(Fps), result.GetValue(Scale), result.GetValue(Force));

    /// <summary>Opens the checkpoint (one config policy: <see cref="ModelStore"/>), applies --device/--threads and loads the model.</summary>
    public Animator Load(ParseResult result, string? checkpoint = null)
    {
        var store = ModelStore.Open(checkpoint ?? result.GetValue(Checkpoint)!, result.GetValue(Config));
        // One libtorch thread unless --threads says otherwise (the config's runtime.threads is the training
        // run's choice): a generation step is many small operations, where a second thread gains little on an
        // idle machine (1.4x at batch 1) and costs 5x when the cores are busy (the demo took 7 s with one
        // thread, 39 s with two, on a loaded machine).
        if (result.GetValue(Runtime.Threads) is null) store.Config.Runtime.Threads = 1;
        return Animator.Load(store, Runtime.Apply(result, store.Config));
    }

    /// <summary>A progress callback drawing one updating line on stderr.</summary>
    public static Action<int, int> Progress(string label)
    {
        ProgressLine? line = null;
        return (done, total) =>
        {
            line ??= new ProgressLine(label, total, "steps");
            if (done >= total) line.Finish(done);
            else line.Report(done);
        };
    }
}
