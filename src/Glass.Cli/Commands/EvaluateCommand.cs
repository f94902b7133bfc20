using System.CommandLine;
using Glass.Checkpoints;
using Glass.Evaluation;

namespace Glass.Cli.Commands;

/// <summary>`glass evaluate`: the reference evaluator's figures and the video-quality metrics of a checkpoint on a
/// dataset split, written as metrics.json, report.md and plots (the run itself is <see cref="EvaluationRun"/>).</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "model to evaluate: a Glass checkpoint, or a reference PyTorch checkpoint with --config", Required = true };
        var data = new Option<string>("--data") { Description = "dataset folder (train/val/test subfolders, or flat with the config's data.dataset_style)", Required = true };
        var split = new Option<string>("--split") { Description = "split to evaluate: train, val or test", DefaultValueFactory = _ => "test" };
        var frames = new Option<int>("--frames") { Description = "frames per clip (the reference evaluates 12; FVD needs at least 9)", DefaultValueFactory = _ => 12 };
        var output = new Option<string>("--out") { Description = "folder for metrics.json, report.md and the plots", DefaultValueFactory = _ => "evaluation" };
        var config = new Option<string?>("--config") { Description = "YAML config: required for a reference PyTorch checkpoint; beside a Glass checkpoint it must describe the same model and replaces the stored config" };
        var batchSize = new Option<int?>("--batch-size") { Description = "clips per batch (default: evaluation.batching.batch_size)" };
        var stride = new Option<int?>("--stride") { Description = "frames between the first frames of consecutive clips of a video (default: --frames, non-overlapping clips; the reference uses 1)" };
        var maxClips = new Option<int?>("--max-clips") { Description = "stop after this many clips (rounded up to whole batches)" };
        var generation = new Option<string>("--generation") { Description = "how clips are regenerated from their first frame: reference (the reference's dataset builder: dynamics teacher-forced on the real foregrounds) or autoregressive (played from the first frame alone with the inferred actions, as glass generate does)", DefaultValueFactory = _ => "reference" };
        var networks = new MetricNetworkOptions();
        var runtime = new RuntimeOptions();
        var command = new Command("evaluate", "Evaluate a model as the GLASS paper does (mask IoU, shift errors, angle match, NMI, and their re_/co_ variants on regenerated clips) plus MSE, PSNR, SSIM, LPIPS, FID and FVD; writes OUT/metrics.json, OUT/report.md and plots.")
        {
            checkpoint, data, split, frames, output, config, batchSize, stride, maxClips, generation,
        };
        networks.AddTo(command);
        runtime.AddTo(command);
        command.SetGuardedAction((r, cancel) =>
        {
            var store = ModelStore.Open(r.GetValue(checkpoint)!, r.GetValue(config));
            var report = EvaluationRun.Run(store, runtime.Apply(r, store.Config), networks.Apply(r, new EvaluationRequest
            {
                DataRoot = r.GetValue(data)!, Split = r.GetValue(split)!, Frames = r.GetValue(frames), Stride = r.GetValue(stride),
                BatchSize = r.GetValue(batchSize), MaxClips = r.GetValue(maxClips), Mode = EvaluationRequest.ParseMode(r.GetValue(generation)!),
            }), cancel);
            var written = EvaluationReportWriter.Write(report, r.GetValue(output)!);
            foreach (var line in EvaluationReportWriter.Summary(report)) Console.WriteLine(line);
            Console.WriteLine($"wrote {string.Join(", ", written)} ({report.Setup.Last().Value})");
            return 0;
        });
        return command;
    }
}
