namespace Glass.Evaluation;

/// <summary>Everything an evaluation produced: the flat metric values (null = not computed), why metrics were
/// skipped, the set-up, and the raw material of the plots. <see cref="EvaluationReportWriter"/> writes it out.</summary>
public sealed class EvaluationReport
{
    /// <summary>Ground-truth figures on real clips; the same with the re_ prefix (model re-run on its generated
    /// clips, against the truth) and co_ (re-run predictions against the real-clip predictions).</summary>
    public static readonly string[] GroundTruthKeys =
        ["mask_iou", "fg_shift_error_px", "fg_angle_match", "bg_shift_error_px", "bg_angle_match", "nmi_global", "nmi_local"];

    public static readonly string[] VideoQualityKeys = ["mse", "psnr", "ssim", "lpips", "fid", "fvd"];

    /// <summary>Figures of the foreground itself (<see cref="ForegroundFidelity"/>) and of control by the local actions.</summary>
    public static readonly string[] ForegroundKeys =
        ["fg_l1_teacher", "fg_l1_generated", "fg_l1_blank", "fg_l1_mean_colour", "fg_l1_copy_first", "delta_psnr", "codes_used_eval"];

    /// <summary>What mask IoU can reach on these masks: the predictions against the truth binarized at 0.5, and the
    /// binarized truth against the truth itself (the best any binary mask scores; 1 for masks that were never resized).</summary>
    public static readonly string[] MaskCeilingKeys = ["mask_iou_binary_truth", "mask_iou_ceiling"];

    /// <summary>Every key of metrics.json, in order.</summary>
    public static readonly string[] MetricKeys =
        [.. GroundTruthKeys, "nmi_random", .. MaskCeilingKeys, .. GroundTruthKeys.Select(k => "re_" + k), .. GroundTruthKeys.Select(k => "co_" + k), .. VideoQualityKeys, .. ForegroundKeys];

    readonly Dictionary<string, double?> metrics = MetricKeys.ToDictionary(k => k, _ => (double?)null);
    readonly Dictionary<string, string> skipped = [];

    public IReadOnlyDictionary<string, double?> Metrics => metrics;
    /// <summary>metric key → why it has no value.</summary>
    public IReadOnlyDictionary<string, string> Skipped => skipped;
    /// <summary>(label, value) lines describing the run: checkpoint, data, split, clips, frames, time.</summary>
    public List<(string Name, string Value)> Setup { get; } = [];
    /// <summary>Remarks printed under the tables (conventions, differences from the reference).</summary>
    public List<string> Notes { get; } = [];
    /// <summary>Counts of transitions per (learned local action id, true label); null without ground truth.</summary>
    public ActionConfusion? Confusion { get; set; }
    /// <summary>Per-transition shift errors in pixels for the histograms, e.g. "fg", "re_fg", "bg", "re_bg".</summary>
    public Dictionary<string, double[]> ShiftErrorsPx { get; } = [];
    /// <summary>A picture of one evaluated clip, real frames above generated ones: (3, H', W') in [0, 1], or null.</summary>
    public TorchSharp.torch.Tensor? SampleStrip { get; set; }
    /// <summary>The first clip's frames 1..T−1 as rows (real, teacher-forced, generated, random local actions, copy-first
    /// baseline): (3, H', W') in [0, 1], or null.</summary>
    public TorchSharp.torch.Tensor? ForegroundStrip { get; set; }

    /// <summary>Records a value; a NaN (an undefined figure, e.g. an angle match without any non-zero shift) is
    /// stored as skipped with <paramref name="reasonIfUndefined"/>.</summary>
    public void Set(string key, double value, string reasonIfUndefined = "undefined for this data")
    {
        CheckKey(key);
        if (double.IsFinite(value)) { metrics[key] = value; skipped.Remove(key); }
        else Skip([key], reasonIfUndefined);
    }

    public void Skip(IEnumerable<string> keys, string reason)
    {
        foreach (var key in keys)
        {
            CheckKey(key);
            metrics[key] = null;
            skipped[key] = reason;
        }
    }

    static void CheckKey(string key)
    {
        if (!MetricKeys.Contains(key)) throw new ArgumentException($"unknown metric key '{key}'", nameof(key));
    }
}

/// <summary>How often each learned local action id co-occurs with each true local action label.</summary>
/// <param name="Counts">[learned id, true label] transition counts.</param>
/// <param name="LabelNames">names of the true labels (index = label), or null for numbers.</param>
public sealed record ActionConfusion(int[,] Counts, IReadOnlyList<string>? LabelNames = null)
{
    public static ActionConfusion FromPairs(IEnumerable<(int True, int Predicted)> pairs, int numIds, int numLabels, IReadOnlyList<string>? labelNames = null)
    {
        var counts = new int[numIds, numLabels];
        foreach (var (t, p) in pairs)
        {
            if (p < 0 || p >= numIds || t < 0 || t >= numLabels)
                throw new GlassException($"local action pair (label {t}, id {p}) is outside {numLabels} labels × {numIds} ids; check the dataset's labels and the checkpoint's num_actions");
            counts[p, t]++;
        }
        return new ActionConfusion(counts, labelNames);
    }
}
