using System.Diagnostics;
using Glass.Checkpoints;
using Glass.Data;
using Glass.Evaluation.Networks;
using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>What `glass evaluate` measures: a checkpoint on a dataset split, and the optional metric networks.</summary>
public sealed record EvaluationRequest
{
    public required string DataRoot { get; init; }
    public string Split { get; init; } = "test";
    /// <summary>Frames per clip (the reference evaluates 12).</summary>
    public int Frames { get; init; } = 12;
    /// <summary>Frames between the first frames of consecutive clips of a video (default: <see cref="Frames"/>).</summary>
    public int? Stride { get; init; }
    /// <summary>Clips per batch (default: evaluation.batching.batch_size).</summary>
    public int? BatchSize { get; init; }
    /// <summary>Stop after this many clips, rounded up to whole batches.</summary>
    public long? MaxClips { get; init; }
    public GenerationMode Mode { get; init; } = GenerationMode.Reference;
    public string? LpipsWeights { get; init; }
    public string? LpipsBackboneWeights { get; init; }
    public string? InceptionWeights { get; init; }
    public string? I3dWeights { get; init; }
    /// <summary>Why a metric network is missing, per metric key ("lpips", "fid", "fvd"), for the report.</summary>
    public Func<string, string>? MissingNetworkReason { get; init; }

    /// <summary>The <see cref="GenerationMode"/> named "reference" or "autoregressive".</summary>
    public static GenerationMode ParseMode(string name) => name switch
    {
        "reference" => GenerationMode.Reference,
        "autoregressive" => GenerationMode.Autoregressive,
        _ => throw new GlassException($"unknown mode '{name}' (use reference or autoregressive)") { Input = GlassInput.GenerationMode },
    };
}

/// <summary>Runs an evaluation end to end: loads the model (by <see cref="ModelStore"/>'s policy) and the metric
/// networks, feeds the split's clips to the <see cref="Evaluator"/> and describes the set-up in the report.</summary>
public static class EvaluationRun
{
    /// <param name="store">the checkpoint, with its configuration as the caller left it (runtime choices applied)</param>
    public static EvaluationReport Run(ModelStore store, Device device, EvaluationRequest request, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        if (request.Frames < 3) throw new GlassException($"{request.Frames} frames per clip are too few; the re-run on generated clips needs at least 3 (the reference uses 12)") { Input = GlassInput.Frames };
        if (request.LpipsBackboneWeights is not null && request.LpipsWeights is null)
            throw new GlassException("LPIPS backbone weights need the LPIPS linear layers too") { Input = GlassInput.LpipsWeights };
        var config = store.Config;
        config.Data.DataRoot = request.DataRoot;
        using var model = store.Load(device);
        using var lpips = request.LpipsWeights is { } lp ? Lpips.Load(lp, request.LpipsBackboneWeights, device) : null;
        using var inception = request.InceptionWeights is { } inc ? FidInceptionV3.Load(inc, device) : null;
        using var i3d = request.I3dWeights is { } id ? InceptionI3d.Load(id, device) : null;

        int batch = request.BatchSize ?? config.Evaluation.Batching.BatchSize;
        if (batch <= 0) throw new GlassException($"{batch} clips per batch: must be > 0") { Input = GlassInput.BatchSize };
        int stride = request.Stride ?? request.Frames;
        using var loader = ClipLoader.FromConfig(config, request.Split, device, training: false, options =>
        {
            options.BatchSize = batch;
            options.ObservationsCount = request.Frames;
            options.SkipFrames = 0;
            options.WindowStride = stride;
            options.Workers = Math.Max(1, Math.Min(config.Evaluation.Batching.NumWorkers, 2));
        });
        long clipLimit = request.MaxClips is { } m
            ? (m > 0 ? Math.Min(m, loader.ClipCount) : throw new GlassException($"clip limit {m} must be > 0") { Input = GlassInput.MaxClips })
            : loader.ClipCount;
        int batchesToRun = (int)((clipLimit + batch - 1) / batch);
        int clipsToRun = (int)Math.Min(loader.ClipCount, (long)batchesToRun * batch);

        var evaluator = new Evaluator(new GlassModelUnderEvaluation(model, config.Evaluation.GumbelTemperature, request.Mode), new EvaluationOptions
        {
            Device = device, Lpips = lpips, Inception = inception, I3d = i3d,
            MissingNetworkReason = request.MissingNetworkReason ?? new EvaluationOptions().MissingNetworkReason,
            LabelNames = loader.HasGroundTruthActions ? Evaluator.WSpritesLabelNames : null,
        });
        var progress = new ProgressLine("evaluate", clipsToRun, "clips");
        var batches = loader.Batches().Take(batchesToRun).Select(b => { cancel.ThrowIfCancellationRequested(); return b; });
        var report = evaluator.Run(batches, clipsToRun, progress);

        report.Setup.InsertRange(0, [
            ("checkpoint", store.CheckpointPath),
            ("data", $"{config.Data.DataRoot} (split {loader.Dataset.Split}, {loader.Dataset.Videos.Count} videos)"),
            ("clip windows", $"every {stride} frames{(clipsToRun < loader.ClipCount ? $", first {clipsToRun} of {loader.ClipCount}" : "")}"),
            ("generation", request.Mode == GenerationMode.Reference ? "reference (dynamics teacher-forced on real foregrounds, first background)" : "autoregressive (played from the first frame with the inferred actions)"),
            ("device", $"{device} ({torch.get_num_threads()} threads)"),
        ]);
        if (lpips is not null) report.Setup.Add(("LPIPS", $"{lpips.Backbone} backbone"));
        report.Setup.Add(("time", $"{clock.Elapsed.TotalSeconds:F1} s"));
        return report;
    }
}
