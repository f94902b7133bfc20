using System.Diagnostics;
using Glass.Config;
using Glass.Data;
using Glass.IO;
using Glass.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// One readable training loop (nanoGPT-style): sample a clip batch at the curriculum's length, run
/// the model, sum the weighted losses, zero the gradients (not to none, as the reference does),
/// back-propagate, replace NaN/Inf gradients (nan → 0, ±inf → ±1e5), step Adam at the MultiStepLR
/// learning rate. Logs, media snapshots and atomic checkpoints on their own periods.
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly GlassConfig _config;
    readonly GlassModel _model;
    readonly ClipLoader _data;
    readonly Device _device;
    readonly Adam _optimizer;
    readonly Schedules _schedules;
    readonly PerceptualNetwork? _perceptual;
    readonly RunDirectory _run;
    readonly TrainingLog _log;
    long _nonFiniteGradients;
    readonly CodebookRestart _restart;
    readonly FrozenMaskCache? _maskCache;

    /// <summary>Steps completed so far (the next step to run has this index).</summary>
    public long Step { get; private set; }

    public GlassModel Model => _model;

    /// <param name="resumeFrom">a checkpoint of this run to continue from, or null for a fresh start</param>
    public Trainer(GlassConfig config, GlassModel model, ClipLoader data, RunDirectory run, Device device, string? resumeFrom = null)
    {
        _config = config;
        _model = model;
        _data = data;
        _run = run;
        _device = device;
        _schedules = new Schedules(config.Training);
        var t = config.Training;
        var actions = model.LocalActionSeparator.Actions;
        _restart = new CodebookRestart(actions.UseGumbel ? 0 : t.CodeRestartEvery, actions.NumActions, t.Seed);
        _maskCache = t.Staged && t.CacheFrozenMasks ? new FrozenMaskCache(t.Batching.SkipFrames) : null;
        // Staged training: one parameter group per analysis, the frozen one at learning rate 0 (Adam's update,
        // weight decay included, is scaled by it, so frozen weights stay exactly as they are).
        _optimizer = t.Staged
            ? optim.Adam(new[]
                {
                    new Adam.ParamGroup(_model.GlobalMotionNetworks.SelectMany(m => m.parameters()), lr: t.Optimizer.LearningRate, weight_decay: t.Optimizer.WeightDecay),
                    new Adam.ParamGroup(_model.LocalActionSeparator.parameters(), lr: t.Optimizer.LearningRate, weight_decay: t.Optimizer.WeightDecay),
                }, lr: t.Optimizer.LearningRate, weight_decay: t.Optimizer.WeightDecay)
            : optim.Adam(_model.parameters(), lr: t.Optimizer.LearningRate, weight_decay: t.Optimizer.WeightDecay);
        _log = new TrainingLog(run.Path);
        _perceptual = PerceptualNetwork.Create(t.Perceptual.Mode, t.Perceptual.VggWeights, device, slices: t.Perceptual.Slices);
        _log.Text(0, "perceptual", _perceptual?.Description ?? "perceptual terms off (training.perceptual.mode: off)");
        if (resumeFrom is not null)
        {
            var state = TrainingCheckpoint.Load(resumeFrom, _model, _optimizer);
            Step = state.Step;
            _nonFiniteGradients = state.NonFiniteGradients;
            _log.Text(Step, "resume", $"resumed from {resumeFrom} at step {Step}");
        }
    }

    /// <summary>Total steps of the run: training.max_steps, else the last LR milestone.</summary>
    public long TotalSteps => _config.Training.MaxSteps ?? _config.Training.LrSchedule.DefaultIfEmpty(100000).Max();

    /// <summary>Trains until `TotalSteps` or cancellation; a checkpoint is written at the end either way.</summary>
    public void Run(CancellationToken cancel, TextWriter? status = null)
    {
        var t = _config.Training;
        var progress = new ProgressLine("train", TotalSteps, "steps", start: Step);
        var clock = Stopwatch.StartNew();
        while (Step < TotalSteps && !cancel.IsCancellationRequested)
        {
            bool media = (Step + 1) % t.MediaEvery == 0;
            var losses = TrainStep(media ? WriteMedia : null);
            if (Step % t.LogEvery == 0 || Step == TotalSteps)
            {
                losses["steps_per_second"] = 1.0 / Math.Max(clock.Elapsed.TotalSeconds / t.LogEvery, 1e-9);
                clock.Restart();
                _log.Scalars(Step, losses);
            }
            progress.Report(Step, losses.TryGetValue("reconstruction_loss", out var rec)
                ? $"loss {losses["total_loss"]:F4} rec {rec:F4} mask {losses["mask_size_loss"]:F3}"
                : $"loss {losses["total_loss"]:F4} local rec {losses["multiscale_local_reconstruction_loss"]:F4} codes {losses["local_action_codes_used"]:F0}");
            if (Step % t.CheckpointEvery == 0) SaveCheckpoint();
        }
        if (Step >= TotalSteps && t.BnRecalibrationBatches > 0) RecalibrateBatchNorm();
        progress.Finish(Step, "saving");
        SaveCheckpoint();
    }

    /// <summary>Re-estimates the BatchNorm statistics on clips of the final curriculum (end of a finished run).</summary>
    void RecalibrateBatchNorm()
    {
        int n = _config.Training.BnRecalibrationBatches;
        long last = Math.Max(0, TotalSteps - 1);
        int frames = _schedules.NumObservations(last), groundTruth = _schedules.NumGroundTruthObservations(last);
        var progress = new ProgressLine("batchnorm statistics", n, "batches");
        int layers = BatchNormRecalibration.Run(_model, () => _data.NextBatch(frames), n, groundTruth,
            _schedules.GumbelTemperature(last), _device, done => progress.Report(done), localMotionOnly: _config.Training.Staged);
        progress.Finish(n);
        _log.Text(Step, "batchnorm", $"re-estimated the running statistics of {layers} BatchNorm layers on {n} batches of {frames} frames ({groundTruth} ground truth)");
    }

    /// <summary>Runs one optimisation step on the next batch; returns the logged figures.</summary>
    /// <param name="afterStep">called with the step's clip (B, T, 3, H, W) after the update (media snapshots)</param>
    public Dictionary<string, double> TrainStep(Action<Tensor>? afterStep = null)
    {
        using var scope = NewDisposeScope();
        int frames = _schedules.NumObservations(Step);
        int groundTruth = _schedules.NumGroundTruthObservations(Step);
        double temperature = _schedules.GumbelTemperature(Step);
        bool gmaOnly = _schedules.IsGmaPretraining(Step);
        if (_data.BatchesServed != Step)
            throw new InvalidOperationException($"data loader is at batch {_data.BatchesServed} but training at step {Step}");
        using var batch = _data.NextBatch(); // the loader cuts it to the curriculum (ClipLoaderOptions.FramesSchedule)
        if (batch.Frames != frames)
            throw new InvalidOperationException($"data loader gave {batch.Frames} frames but the curriculum asks for {frames} at step {Step}; open it with TrainingSession.OpenTrainingData");
        var observations = batch.Observations.to(_device);

        bool staged = _config.Training.Staged;
        var frozenMasks = staged && !gmaOnly ? _maskCache?.Masks(_model, observations, batch.VideoNames, batch.InitialFrames) : null;
        var forward = TrainingStep.Forward(_model, observations, groundTruth, temperature, staged, gmaOnly, frozenMasks);
        var losses = TrainingStep.Losses(forward, _config.Training, _perceptual, gmaOnly);
        var local = forward.LocalMotion; // null in the staged global-motion stage: no local actions to count

        _optimizer.zero_grad(); // zero_grad keeps the gradient tensors (set to zero), as the reference's model.zero_grad()
        losses.Total.backward();
        long nonFinite = SanitizeGradients();
        _nonFiniteGradients += nonFinite;

        double lr = _config.Training.Optimizer.LearningRate * _schedules.LearningRateFactor(Step);
        var groups = _optimizer.ParamGroups.ToList();
        for (int g = 0; g < groups.Count; g++)
        {
            // Staged: group 0 is global motion, group 1 local motion; the other stage's group is frozen.
            bool frozen = staged && (gmaOnly ? g == 1 : g == 0);
            groups[g].LearningRate = frozen ? 0.0 : lr;
        }
        _optimizer.step();
        Step++;
        var codeCounts = local is null ? null : CodebookRestart.Counts(local.ActionIds, _model.NumLocalActions);
        int restarted = gmaOnly || local is null ? 0 : _restart.Update(Step, _model.LocalActionSeparator.Actions.Quantizer, codeCounts!, local.ActionEmbeddings);

        afterStep?.Invoke(observations);

        var figures = new Dictionary<string, double> { ["total_loss"] = losses.Total.item<float>() };
        foreach (var (name, value) in losses.Terms) figures[name] = value.item<float>();
        figures["num_observations"] = frames;
        figures["num_ground_truth_observations"] = groundTruth;
        figures["gumbel_temperature"] = temperature;
        figures["learning_rate"] = lr;
        figures["gma_pretraining"] = gmaOnly ? 1 : 0;
        figures["nonfinite_gradients"] = nonFinite;
        figures["nonfinite_gradients_total"] = _nonFiniteGradients;
        if (codeCounts is not null)
        {
            var (used, perplexity) = CodebookRestart.Usage(codeCounts);
            figures["local_action_codes_used"] = used;
            figures["local_action_perplexity"] = perplexity;
        }
        if (_restart.Enabled) figures["local_action_codes_restarted"] = restarted;
        if (_maskCache is not null) figures["frozen_masks_cached"] = _maskCache.Frames;
        return figures;
    }

    /// <summary>Replaces NaN by 0 and ±Inf by ±1e5 in every gradient, in place; returns how many
    /// entries were not finite.</summary>
    long SanitizeGradients()
    {
        long count = 0;
        using var _ = no_grad();
        foreach (var p in _model.parameters())
        {
            var g = p.grad;
            if (g is null) continue;
            using var finite = isfinite(g);
            long bad = g.numel() - finite.sum().item<long>();
            if (bad == 0) continue;
            count += bad;
            g.nan_to_num_(nan: 0.0, posinf: 1e5, neginf: -1e5);
        }
        return count;
    }

    /// <summary>Writes `checkpoints/step_NNNNNNN.glass` and `latest.glass`, both atomically.</summary>
    public string SaveCheckpoint()
    {
        var path = _run.CheckpointPath(Step);
        TrainingCheckpoint.Save(path, _config, _model, _optimizer, new TrainingState(Step, _nonFiniteGradients));
        _run.MarkLatest(path);
        _run.PruneCheckpoints(keep: 3);
        return path;
    }

    /// <param name="observations">(B, T, 3, H, W) the clip just trained on</param>
    void WriteMedia(Tensor observations)
    {
        using var scope = NewDisposeScope();
        MediaSnapshot.Write(_run.MediaPath(Step), _model, _config, observations,
            _schedules.NumGroundTruthObservations(Step), _schedules.GumbelTemperature(Step));
    }

    public void Dispose()
    {
        _log.Dispose();
        _perceptual?.Dispose();
        _optimizer.Dispose();
    }
}
