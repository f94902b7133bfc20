namespace Glass.Config;

/// <summary>`training:` — optimisation, curricula and loss weights (reference names and values).</summary>
public sealed class TrainingConfig
{
    public int NumEpochs { get; set; } = 1000000;
    public BatchingConfig Batching { get; set; } = new();
    public OptimizerConfig Optimizer { get; set; } = new();

    /// <summary>Steps during which only the GMA losses count.</summary>
    public int PretrainingStepsGma { get; set; } = 3000;

    // Curriculum over the clip length.
    public int NumObservationsStart { get; set; } = 6;
    public int NumObservationsEnd { get; set; } = 12;
    public int NumObservationsIncreaseStart { get; set; } = 50000;
    public int NumObservationsSteps { get; set; } = 30000;

    // Curriculum over the number of teacher-forced (ground-truth) frames.
    public int GtObservationsStart { get; set; } = 5;
    public int GtObservationsEnd { get; set; } = 1;
    public int GtObservationsDecreaseStart { get; set; }
    public int GtObservationsSteps { get; set; } = 25000;

    // Gumbel-softmax temperature annealing (only used by the use_gumbel ablation).
    public double GumbelTemperatureStart { get; set; } = 0.4;
    public double GumbelTemperatureEnd { get; set; } = 0.4;
    public int GumbelTemperatureDecreaseStart { get; set; } = 6000;
    public int GumbelTemperatureSteps { get; set; } = 20000;

    /// <summary>MultiStepLR milestones (steps).</summary>
    public int[] LrSchedule { get; set; } = [300000, 1000000];
    public double LrGamma { get; set; } = 0.3333;

    public LossParamsConfig LossParams { get; set; } = new();
    public LossWeightsConfig LossWeights { get; set; } = new();

    /// <summary>Ours: stop after this many optimizer steps (null = run num_epochs).</summary>
    public long? MaxSteps { get; set; }
    /// <summary>Ours: seed of every random generator.</summary>
    public int Seed { get; set; } = 1;
    /// <summary>Ours: steps between scalar log lines.</summary>
    public int LogEvery { get; set; } = 10;
    /// <summary>Ours: steps between image/video dumps.</summary>
    public int MediaEvery { get; set; } = 1000;
    /// <summary>Ours: steps between checkpoints.</summary>
    public int CheckpointEvery { get; set; } = 1000;
    /// <summary>Ours: every this many steps (after GMA pre-training), local action codes that no transition
    /// chose since the last restart move onto randomly chosen action-head outputs of the current batch, so the
    /// codebook does not collapse to one code early in a short run. 0 = never, as the reference.</summary>
    public int CodeRestartEvery { get; set; }
    /// <summary>Ours: at the end of a finished run, re-estimate the BatchNorm running statistics for the final
    /// weights on this many training batches (0 = keep the training-time averages, as the reference).</summary>
    public int BnRecalibrationBatches { get; set; }
    /// <summary>Ours: staged training. The first pretraining_steps_gma steps train global motion alone (local
    /// motion is not run at all); later steps train local motion alone on the frozen global-motion networks
    /// (eval mode, no gradients, their parameters untouched). The two analyses never exchange gradients in
    /// the joint objective either (local motion sees detached inputs), so this is the same objective split
    /// in time, at a fraction of the cost per step. false = the reference's joint training.</summary>
    public bool Staged { get; set; }
    /// <summary>Ours: in staged training's local stage, compute the frozen masking network's mask of each video frame
    /// once and reuse it (Training/FrozenMaskCache: one H×W float per training frame in memory). The same masks up
    /// to float rounding, without the masking network's forward pass on later visits. Needs staged: true.</summary>
    public bool CacheFrozenMasks { get; set; }
    /// <summary>Ours: which network the perceptual losses use.</summary>
    public PerceptualConfig Perceptual { get; set; } = new();
}

/// <summary>`training.batching:` / `evaluation.batching:` — how clips are sampled.</summary>
public sealed class BatchingConfig
{
    public int BatchSize { get; set; } = 4;
    public int NumWorkers { get; set; } = 8;
    /// <summary>Frames per sampled clip.</summary>
    public int ObservationsCount { get; set; } = 12;
    /// <summary>Frames skipped between two sampled frames.</summary>
    public int SkipFrames { get; set; }
    /// <summary>Frames stacked into one observation (channels = 3 × this).</summary>
    public int ObservationStacking { get; set; } = 1;
}

/// <summary>`training.optimizer:` — Adam.</summary>
public sealed class OptimizerConfig
{
    public double LearningRate { get; set; } = 4e-4;
    public double WeightDecay { get; set; } = 1e-6;
}

/// <summary>`training.loss_params:`.</summary>
public sealed class LossParamsConfig
{
    /// <summary>Target mean of the foreground mask for the mask-size loss.</summary>
    public double MaskSize { get; set; } = 0.06;
    /// <summary>Ours: bias added to the motion weights of the local-motion reconstruction terms (0 = the
    /// reference). A positive bias adds a plain L1 term, so the renderer also learns what does not move.</summary>
    public double LocalWeightBias { get; set; }
}

/// <summary>`training.loss_weights:` — weight of every loss term (0 disables it).</summary>
public sealed class LossWeightsConfig
{
    // GMA
    public double ReconstructionLoss { get; set; } = 1.0;
    public double ForegroundLoss { get; set; } = 1.0;
    public double BackgroundLoss { get; set; } = 2.0;
    public double BackgroundPerceptualLoss { get; set; } = 0.02;
    public double BinaryMaskLoss { get; set; } = 0.5;
    public double MaskSizeLoss { get; set; } = 0.1;
    // LMA
    public double MultiscaleGlobalReconstructionLoss { get; set; } = 1.0;
    public double MultiscaleLocalReconstructionLoss { get; set; } = 1.0;
    public double MultiscaleLocalPerceptualLoss { get; set; } = 1.0;
    public double LocalStateReconstructionLoss { get; set; } = 0.2;
    public double LocalActionVqLoss { get; set; } = 0.1;
    public double MaskReconstructionLoss { get; set; } = 0.2;
}

/// <summary>`training.perceptual:` (ours) — the feature network behind the perceptual losses.</summary>
public sealed class PerceptualConfig
{
    /// <summary>"vgg" (VGG-19 weights from <see cref="VggWeights"/>), "random" (randomly initialised VGG-19) or "off".</summary>
    public string Mode { get; set; } = "vgg";
    /// <summary>Path of the VGG-19 weights file a user supplies (they cannot be downloaded here).</summary>
    public string? VggWeights { get; set; }
    /// <summary>How many VGG-19 feature slices the perceptual terms compare (relu1_1 ... relu5_1); 5 as the
    /// reference. Fewer cost less: at 64x48, relu1_1..relu3_1 are about a third of the features' work.</summary>
    public int Slices { get; set; } = 5;
}
