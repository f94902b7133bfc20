using System.CommandLine;
using System.Diagnostics;
using Glass.Config;
using Glass.Data;
using Glass.Evaluation;
using Glass.Evaluation.Networks;
using Glass.IO;
using Glass.Model;
using TorchSharp;

namespace Glass.Cli.Commands;

/// <summary>`glass evaluate`: the reference evaluator's figures and the video-quality metrics of a checkpoint on a
/// dataset split, written as metrics.json, report.md and plots.</summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "model to evaluate: a Glass checkpoint, or a reference PyTorch checkpoint with --config", Required = true };
        var data = new Option<string>("--data") { Description = "dataset folder (train/val/test subfolders, or flat with the config's data.dataset_style)", Required = true };
        var split = new Option<string>("--split") { Description = "split to evaluate: train, val or test", DefaultValueFactory = _ => "test" };
        var frames = new Option<int>("--frames") { Description = "frames per clip (the reference evaluates 12; FVD needs at least 9)", DefaultValueFactory = _ => 12 };
        var output = new Option<string>("--out") { Description = "folder for metrics.json, report.md and the plots", DefaultValueFactory = _ => "evaluation" };
        var config = new Option<string?>("--config") { Description = "YAML config: required for a reference PyTorch checkpoint; for a Glass checkpoint it replaces the stored one" };
        var batchSize = new Option<int?>("--batch-size") { Description = "clips per batch (default: evaluation.batching.batch_size)" };
        var stride = new Option<int?>("--stride") { Description = "frames between the first frames of consecutive clips of a video (default: --frames, non-overlapping clips; the reference uses 1)" };
        var maxClips = new Option<int?>("--max-clips") { Description = "stop after this many clips (rounded up to whole batches)" };
        var generation = new Option<string>("--generation") { Description = "how clips are regenerated from their first frame: reference (the reference's dataset builder: dynamics teacher-forced on the real foregrounds) or autoregressive (played from the first frame alone with the inferred actions, as glass generate does)", DefaultValueFactory = _ => "reference" };
        var lpips = new Option<string?>("--lpips") { Description = "LPIPS weights: the lpips package's weights/v0.1/alex.pth or vgg.pth (or a full lpips.LPIPS state_dict)" };
        var lpipsBackbone = new Option<string?>("--lpips-backbone") { Description = "torchvision alexnet/vgg16 state_dict, when --lpips holds only the linear layers" };
        var inception = new Option<string?>("--inception") { Description = "FID Inception-v3 weights: pytorch-fid's pt_inception-2015-12-05-6726825d.pth" };
        var i3d = new Option<string?>("--i3d") { Description = "FVD I3D weights: pytorch-i3d's rgb_imagenet.pt (Kinetics-400)" };
        var runtime = new RuntimeOptions();

        var command = new Command("evaluate", "Evaluate a model as the GLASS paper does (mask IoU, shift errors, angle match, NMI, and their re_/co_ variants on regenerated clips) plus MSE, PSNR, SSIM, LPIPS, FID and FVD; writes OUT/metrics.json, OUT/report.md and plots.")
        {
            checkpoint, data, split, frames, output, config, batchSize, stride, maxClips, generation, lpips, lpipsBackbone, inception, i3d,
        };
        runtime.AddTo(command);
        command.SetGuardedAction((r, cancel) =>
        {
            var clock = Stopwatch.StartNew();
            Glass.Runtime.TorchRuntime.Initialize();
            var checkpointPath = r.GetValue(checkpoint)!;
            int frameCount = r.GetValue(frames);
            if (frameCount < 3) throw new GlassException($"--frames: {frameCount} is too few; the re-run on generated clips needs at least 3 frames (the reference uses 12)");
            var mode = r.GetValue(generation) switch
            {
                "reference" => GenerationMode.Reference,
                "autoregressive" => GenerationMode.Autoregressive,
                var other => throw new GlassException($"--generation: unknown mode '{other}' (use reference or autoregressive)"),
            };
            if (r.GetValue(lpipsBackbone) is not null && r.GetValue(lpips) is null)
                throw new GlassException("--lpips-backbone needs --lpips (the LPIPS linear layers)");

            var (cfg, model) = LoadModel(checkpointPath, r.GetValue(config));
            var device = runtime.Apply(r, cfg);
            model.to(device);
            cfg.Data.DataRoot = r.GetValue(data)!;

            string Missing(string key) => key switch
            {
                "lpips" => "no LPIPS weights given (--lpips FILE, the lpips package's alex.pth or vgg.pth, with --lpips-backbone FILE for torchvision's backbone)",
                "fid" => "no Inception weights given (--inception FILE, pytorch-fid's pt_inception-2015-12-05-6726825d.pth)",
                _ => "no I3D weights given (--i3d FILE, pytorch-i3d's rgb_imagenet.pt)",
            };
            using var lpipsNet = r.GetValue(lpips) is { } lp ? Lpips.Load(lp, r.GetValue(lpipsBackbone), device) : null;
            using var inceptionNet = r.GetValue(inception) is { } inc ? FidInceptionV3.Load(inc, device) : null;
            using var i3dNet = r.GetValue(i3d) is { } id ? InceptionI3d.Load(id, device) : null;

            int batch = r.GetValue(batchSize) ?? cfg.Evaluation.Batching.BatchSize;
            if (batch <= 0) throw new GlassException($"--batch-size: {batch} must be > 0");
            int windowStride = r.GetValue(stride) ?? frameCount;
            var loaderOptions = new ClipLoaderOptions
            {
                BatchSize = batch, ObservationsCount = frameCount, SkipFrames = 0, Shuffle = false, Repeat = false, DropLast = false,
                WindowStride = windowStride, Workers = Math.Max(1, Math.Min(cfg.Evaluation.Batching.NumWorkers, 2)), Device = device,
            };
            using var loader = ClipLoader.Open(cfg.Data.DataRoot, r.GetValue(split)!, loaderOptions, cfg.Data.Crop, cfg.Data.InputSize[0], cfg.Data.InputSize[1],
                cfg.Data.DatasetStyle, cfg.Data.Offset, cfg.Data.MaxNumVideos, cfg.Data.SplitRatios);
            long clipLimit = r.GetValue(maxClips) is { } m
                ? (m > 0 ? Math.Min(m, loader.ClipCount) : throw new GlassException($"--max-clips: {m} must be > 0"))
                : loader.ClipCount;
            int batchesToRun = (int)((clipLimit + batch - 1) / batch);
            int clipsToRun = (int)Math.Min(loader.ClipCount, (long)batchesToRun * batch);

            var evaluator = new Evaluator(new GlassModelUnderEvaluation(model, cfg.Evaluation.GumbelTemperature, mode), new EvaluationOptions
            {
                Device = device, Lpips = lpipsNet, Inception = inceptionNet, I3d = i3dNet, MissingNetworkReason = Missing,
                LabelNames = loader.HasGroundTruthActions ? Evaluator.WSpritesLabelNames : null,
            });
            var progress = new ProgressLine("evaluate", clipsToRun, "clips");
            var batches = loader.Batches().Take(batchesToRun).Select(b => { cancel.ThrowIfCancellationRequested(); return b; });
            var report = evaluator.Run(batches, clipsToRun, progress);

            report.Setup.InsertRange(0, [
                ("checkpoint", checkpointPath),
                ("data", $"{cfg.Data.DataRoot} (split {loader.Dataset.Split}, {loader.Dataset.Videos.Count} videos)"),
                ("clip windows", $"every {windowStride} frames{(clipsToRun < loader.ClipCount ? $", first {clipsToRun} of {loader.ClipCount}" : "")}"),
                ("generation", mode == GenerationMode.Reference ? "reference (dynamics teacher-forced on real foregrounds, first background)" : "autoregressive (played from the first frame with the inferred actions)"),
                ("device", $"{device} ({torch.get_num_threads()} threads)"),
            ]);
            if (lpipsNet is not null) report.Setup.Add(("LPIPS", $"{lpipsNet.Backbone} backbone"));
            report.Setup.Add(("time", $"{clock.Elapsed.TotalSeconds:F1} s"));
            var written = EvaluationReportWriter.Write(report, r.GetValue(output)!);
            foreach (var key in new[] { "mask_iou", "fg_shift_error_px", "fg_angle_match", "bg_angle_match", "nmi_global", "nmi_random", "psnr", "ssim",
                         "fg_l1_teacher", "fg_l1_generated", "fg_l1_mean_colour", "fg_l1_copy_first", "delta_psnr", "codes_used_eval" })
                if (report.Metrics[key] is { } v) Console.WriteLine($"{key,-20} {v:G4}");
            Console.WriteLine($"wrote {string.Join(", ", written)} ({clock.Elapsed.TotalSeconds:F1} s)");
            return 0;
        });
        return command;
    }

    /// <summary>Builds the model of a Glass checkpoint (its own config unless one is given) or of a reference
    /// PyTorch checkpoint with the given config, and loads its weights.</summary>
    static (GlassConfig, GlassModel) LoadModel(string path, string? configPath)
    {
        if (GlassCheckpoint.Detect(path) == CheckpointFormat.Glass)
        {
            using var stored = GlassCheckpoint.Read(path);
            var config = configPath is null ? stored.Config : GlassConfig.Load(configPath);
            var model = new GlassModel(config.Model);
            PyTorchCheckpoint.LoadInto(model, stored.ModelState, path);
            return (config, model);
        }
        if (configPath is null)
            throw new GlassException($"{path}: is a PyTorch checkpoint, which carries no configuration; give the config it was trained with (--config FILE)");
        var cfg = GlassConfig.Load(configPath);
        var glass = new GlassModel(cfg.Model);
        using var contents = PyTorchCheckpoint.Load(glass, path);
        return (cfg, glass);
    }
}
