namespace Glass.Config;

public sealed partial class GlassConfig
{
    /// <summary>Checks the values against each other (shapes the networks need, curricula, ranges).
    /// Throws a GlassException naming the source and the key on the first problem.</summary>
    public void Validate()
    {
        var d = Data;
        OneOf("data.dataset_style", d.DatasetStyle, "splitted", "flat");
        if (d.Crop[0] < 0 || d.Crop[1] < 0 || d.Crop[2] <= d.Crop[0] || d.Crop[3] <= d.Crop[1])
            Fail("data.crop", $"[{Show(d.Crop)}] is not a box (left, upper, right, lower) with right > left >= 0 and lower > upper >= 0");
        if (d.InputSize[0] <= 0 || d.InputSize[1] <= 0 || d.InputSize[0] % 8 != 0 || d.InputSize[1] % 8 != 0)
            Fail("data.input_size", $"[{Show(d.InputSize)}] must be positive multiples of 8 (width, height): the state grid is the frame size / 8");
        if (d.Offset is < 0) Fail("data.offset", "must be >= 0");
        if (d.MaxNumVideos is <= 0) Fail("data.max_num_videos", "must be > 0 (or null for all videos)");
        if (d.SplitRatios.Any(r => !(r >= 0)) || Math.Abs(d.SplitRatios.Sum() - 1) > 1e-6)
            Fail("data.split_ratios", $"[{Show(d.SplitRatios)}] must be three non-negative fractions summing to 1");

        var stacking = Training.Batching.ObservationStacking;
        Positive("training.batching.observation_stacking", stacking);
        foreach (var (key, what) in ModelConsistency.Problems(Model, d.InputSize, stacking)) Fail(key, what);

        var t = Training;
        Positive("training.num_epochs", t.NumEpochs);
        ValidateBatching("training.batching", t.Batching);
        PositiveNumber("training.optimizer.learning_rate", t.Optimizer.LearningRate);
        NonNegativeNumber("training.optimizer.weight_decay", t.Optimizer.WeightDecay);
        NonNegative("training.pretraining_steps_gma", t.PretrainingStepsGma);
        NonNegative("training.code_restart_every", t.CodeRestartEvery);
        if (t.Perceptual.Slices is < 1 or > 5) Fail("training.perceptual.slices", $"must be 1..5 (relu1_1 ... relu5_1 of VGG-19), got {t.Perceptual.Slices}");
        NonNegative("training.bn_recalibration_batches", t.BnRecalibrationBatches);
        if (t.CacheFrozenMasks && !t.Staged)
            Fail("training.cache_frozen_masks", "needs training.staged: true (masks are frozen only in staged training's local stage); set it to false or turn staged on");
        NonNegativeNumber("training.loss_params.local_weight_bias", t.LossParams.LocalWeightBias);
        if (t.NumObservationsStart < 2) Fail("training.num_observations_start", "must be >= 2 (a transition needs two frames)");
        if (t.NumObservationsEnd < 2) Fail("training.num_observations_end", "must be >= 2 (a transition needs two frames)");
        NonNegative("training.num_observations_increase_start", t.NumObservationsIncreaseStart);
        NonNegative("training.num_observations_steps", t.NumObservationsSteps);
        Positive("training.gt_observations_start", t.GtObservationsStart);
        Positive("training.gt_observations_end", t.GtObservationsEnd);
        if (t.GtObservationsStart >= t.NumObservationsStart)
            Fail("training.gt_observations_start", $"is {t.GtObservationsStart}, must be < training.num_observations_start = {t.NumObservationsStart} (at least one frame must be predicted)");
        if (t.GtObservationsEnd >= t.NumObservationsEnd)
            Fail("training.gt_observations_end", $"is {t.GtObservationsEnd}, must be < training.num_observations_end = {t.NumObservationsEnd} (at least one frame must be predicted)");
        NonNegative("training.gt_observations_decrease_start", t.GtObservationsDecreaseStart);
        NonNegative("training.gt_observations_steps", t.GtObservationsSteps);
        PositiveNumber("training.gumbel_temperature_start", t.GumbelTemperatureStart);
        PositiveNumber("training.gumbel_temperature_end", t.GumbelTemperatureEnd);
        NonNegative("training.gumbel_temperature_decrease_start", t.GumbelTemperatureDecreaseStart);
        NonNegative("training.gumbel_temperature_steps", t.GumbelTemperatureSteps);
        for (int i = 0; i < t.LrSchedule.Length; i++)
            if (t.LrSchedule[i] < 0 || (i > 0 && t.LrSchedule[i] <= t.LrSchedule[i - 1]))
                Fail("training.lr_schedule", $"[{Show(t.LrSchedule)}] must be increasing non-negative step counts");
        PositiveNumber("training.lr_gamma", t.LrGamma);
        if (!(t.LossParams.MaskSize > 0 && t.LossParams.MaskSize < 1))
            Fail("training.loss_params.mask_size", $"is {t.LossParams.MaskSize}, must be a fraction of the frame in (0, 1)");
        foreach (var key in ConfigSchema.KeysOf(typeof(LossWeightsConfig)))
            NonNegativeNumber($"training.loss_weights.{key.Name}", (double)key.Property.GetValue(t.LossWeights)!);
        if (t.MaxSteps is <= 0) Fail("training.max_steps", "must be > 0 (or null to run num_epochs)");
        Positive("training.log_every", t.LogEvery);
        Positive("training.media_every", t.MediaEvery);
        Positive("training.checkpoint_every", t.CheckpointEvery);
        OneOf("training.perceptual.mode", t.Perceptual.Mode, "vgg", "random", "off");

        ValidateBatching("evaluation.batching", Evaluation.Batching);
        PositiveNumber("evaluation.gumbel_temperature", Evaluation.GumbelTemperature);

        if (!RuntimeConfig.IsDeviceName(Runtime.Device))
            Fail("runtime.device", $"'{Runtime.Device}' is not a device; use cpu, cuda or cuda:N");
        NonNegative("runtime.threads", Runtime.Threads);
        OneOf("runtime.convolution_precision", Runtime.ConvolutionPrecision, [.. RuntimeConfig.ConvolutionPrecisions]);

        foreach (var (name, shift) in Generation.Actions)
        {
            if (string.IsNullOrWhiteSpace(name)) Fail("generation.actions", "action names must not be empty");
            if (shift is null || shift.Length != 2 || !shift.All(double.IsFinite))
                Fail($"generation.actions.{name}", "must be [dx, dy], two finite numbers");
        }
    }

    void ValidateBatching(string path, BatchingConfig b)
    {
        Positive($"{path}.batch_size", b.BatchSize);
        NonNegative($"{path}.num_workers", b.NumWorkers);
        if (b.ObservationsCount < 2) Fail($"{path}.observations_count", "must be >= 2 (a transition needs two frames)");
        NonNegative($"{path}.skip_frames", b.SkipFrames);
        Positive($"{path}.observation_stacking", b.ObservationStacking);
    }

    void Positive(string path, long v) { if (v <= 0) Fail(path, $"is {v}, must be > 0"); }
    void NonNegative(string path, long v) { if (v < 0) Fail(path, $"is {v}, must be >= 0"); }
    void PositiveNumber(string path, double v) { if (!(v > 0) || !double.IsFinite(v)) Fail(path, $"is {v}, must be a finite number > 0"); }
    void NonNegativeNumber(string path, double v) { if (!(v >= 0) || !double.IsFinite(v)) Fail(path, $"is {v}, must be a finite number >= 0"); }

    void OneOf(string path, string? v, params string[] allowed)
    {
        if (v is null || !allowed.Contains(v)) Fail(path, $"'{v}' is not one of {string.Join(", ", allowed)}");
    }

    void Fail(string path, string what) => throw new GlassException($"{SourceName}: {path}: {what}");

    static string Show<T>(IEnumerable<T> values) => string.Join(", ", values);
}
