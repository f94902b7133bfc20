using Glass.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>The reference evaluator over a stream of real test clips: runs the model teacher-forced, generates each
/// clip from its first frame with the inferred actions, re-runs the model on the generated frames, and fills an
/// <see cref="EvaluationReport"/> with the ground-truth figures (when the data has them), their re_/co_ variants and
/// the video-quality metrics. Memory stays flat: per batch only scalars and network features are kept.</summary>
public sealed class Evaluator(IEvaluatedModel model, EvaluationOptions options)
{
    /// <summary>W-Sprites local action labels are 3·a + d (a: walk, spellcast, slash; d: front, left, right).</summary>
    public static readonly IReadOnlyList<string> WSpritesLabelNames =
        ["walk-front", "walk-left", "walk-right", "spellcast-front", "spellcast-left", "spellcast-right", "slash-front", "slash-left", "slash-right"];

    // Ground truth and predictions, one entry per transition.
    readonly List<float> iou = [], reIou = [], coIou = [], iouBinaryTruth = [], iouCeiling = [];
    readonly List<Shift> fgPred = [], fgTrue = [], bgPred = [], bgTrue = [];
    readonly List<Shift> reFgPred = [], reFgTrue = [], reBgPred = [], reBgTrue = [], coFgPred = [], coFgRef = [], coBgPred = [], coBgRef = [];
    readonly List<(long Identity, int True, int Predicted)> actions = [], reActions = [];
    readonly List<(long Identity, int Real, int Rerun)> coActions = [];
    double mseSum, psnrSum, ssimSum, lpipsSum;
    long frameCount;
    readonly ForegroundFidelity fidelity = new();
    double deltaPsnrSum;
    long deltaPsnrCount;
    readonly HashSet<int> codesUsed = [];
    Random? randomActions;
    bool hasMasks = true, hasShifts = true, hasBgShifts = true, hasLabels = true, hasIdentities = true;
    int clips, frames, width, height;
    Tensor? sampleReal, sampleGenerated, sampleForegrounds;

    /// <summary>The frame index at which delta_psnr compares generations (Genie's t = 4).</summary>
    public const int DeltaPsnrFrame = 4;

    /// <param name="totalClips">for the progress line.</param>
    public EvaluationReport Run(IEnumerable<ClipBatch> batches, int totalClips, IO.ProgressLine? progress = null)
    {
        var fid = options.Inception is { } inception ? new FrechetInceptionDistance(inception) : null;
        var fvd = options.I3d is { } i3d ? new FrechetVideoDistance(i3d) : null;
        progress?.Report(0, force: true);
        foreach (var batch in batches)
        {
            using (batch)
            using (var scope = NewDisposeScope())
                Accumulate(batch, fid, fvd);
            progress?.Report(clips);
        }
        progress?.Finish(clips);
        if (clips == 0) throw new GlassException("evaluation: the split holds no clip to evaluate");
        var report = new EvaluationReport { SampleStrip = SampleStrip() };
        Summarize(report, fid, fvd);
        return report;
    }

    void Accumulate(ClipBatch batch, FrechetInceptionDistance? fid, FrechetVideoDistance? fvd)
    {
        var observations = batch.Observations.to(options.Device);
        int b = batch.BatchSize, t = batch.Frames;
        if (t < 3) throw new GlassException($"evaluation needs clips of at least 3 frames (the re-run sees T−1 and predicts T−2 transitions), got {t}") { Input = GlassInput.Frames };
        if (clips == 0) { frames = t; height = (int)observations.shape[3]; width = (int)observations.shape[4]; }
        hasMasks &= batch.Masks is not null;
        hasShifts &= batch.Shifts is not null;
        hasBgShifts &= batch.BackgroundShifts is not null;
        hasLabels &= batch.LocalActions is not null;
        var identities = batch.Identities.cpu().data<long>().ToArray();
        hasIdentities &= identities.All(i => i >= 0);

        using var real = model.Analyze(observations, generate: true);
        var generatedFrames = real.Generated ?? throw new InvalidOperationException("Analyze(generate: true) returned no generated frames");
        // As the reference's dataset builder: the generated clip starts with the real first frame and is stored as
        // 8-bit images. We round where the reference truncates (its floor of float32 values turns a real pixel p into
        // p − 1 whenever (2p/255 − 1 + 1)/2·255 lands just below p, and biases every frame by half a level).
        var generated = cat([observations[.., ..1], generatedFrames], 1);
        var generated01 = ((generated + 1) / 2).clamp(0, 1).mul(255).round().div(255);
        var real01 = (observations + 1) / 2;
        using var rerun = model.Analyze(generated[.., 1..], generate: false);               // T−1 frames

        // Does it draw the character: teacher-forced and generated foregrounds against the truth and three baselines.
        var ids = Ints(real.ActionIds, b);
        foreach (var row in ids) codesUsed.UnionWith(row);
        using var replayed = model.Replay(observations[.., 0], real.ForegroundShifts, real.ActionIds, real.BackgroundShifts); // (B, T−1, ...)
        randomActions ??= new Random(options.Seed);
        using var randomIds = tensor(Enumerable.Range(0, b * (t - 1)).Select(_ => (long)randomActions.Next(model.NumActions)).ToArray(),
            device: options.Device).reshape(b, t - 1);
        using var randomReplay = model.Replay(observations[.., 0], real.ForegroundShifts, randomIds, real.BackgroundShifts);
        if (t > DeltaPsnrFrame)
        {
            // Genie's controllability: how much closer to the real frame the inferred actions get than random ones.
            static Tensor Quantized(Tensor x) => ((x + 1) / 2).clamp(0, 1).mul(255).round().div(255);
            var truth = (observations[.., DeltaPsnrFrame] + 1) / 2;
            var withActions = ImageQuality.Psnr(Quantized(replayed[.., DeltaPsnrFrame - 1]), truth);
            var withRandom = ImageQuality.Psnr(Quantized(randomReplay[.., DeltaPsnrFrame - 1]), truth);
            deltaPsnrSum += (withActions - withRandom).sum().item<double>();
            deltaPsnrCount += b;
        }
        if (batch.Masks is { } trueMasksForFg)
            fidelity.Add(observations, trueMasksForFg.to(options.Device), batch.Shifts?.to(options.Device), real.TeacherForced, replayed);

        // Masks: real run on frames 0..T−1; re-run on frames 1..T−1 against the truth and the real run.
        if (batch.Masks is { } masks)
        {
            var trueMasks = masks.to(options.Device);
            iou.AddRange(Floats(MaskIoU.PerFrame(real.Masks, trueMasks)));
            var binaryTruth = MaskIoU.BinarizedTruth(trueMasks);
            iouBinaryTruth.AddRange(Floats(MaskIoU.PerFrame(real.Masks, binaryTruth)));
            iouCeiling.AddRange(Floats(MaskIoU.PerFrame(binaryTruth, trueMasks)));
            reIou.AddRange(Floats(MaskIoU.PerFrame(rerun.Masks, trueMasks[.., 1..])));
        }
        coIou.AddRange(Floats(MaskIoU.PerFrame(rerun.Masks, real.Masks[.., 1..])));

        // Shifts: transition t → t+1 has truth entry t+1. The re-run's transitions are the real clip's 1..T−2.
        var fg = Shifts(real.ForegroundShifts);
        var bg = Shifts(real.BackgroundShifts);
        var reFg = Shifts(rerun.ForegroundShifts);
        var reBg = Shifts(rerun.BackgroundShifts);
        fgPred.AddRange(Flat(fg)); bgPred.AddRange(Flat(bg));
        coFgPred.AddRange(Flat(reFg)); coFgRef.AddRange(Flat(fg, skip: 1));
        coBgPred.AddRange(Flat(reBg)); coBgRef.AddRange(Flat(bg, skip: 1));
        if (batch.Shifts is { } shifts)
        {
            var truth = Shifts(shifts[.., 1..]);
            fgTrue.AddRange(Flat(truth));
            reFgPred.AddRange(Flat(reFg)); reFgTrue.AddRange(Flat(truth, skip: 1));
        }
        if (batch.BackgroundShifts is { } bgShifts)
        {
            var truth = Shifts(bgShifts[.., 1..]);
            bgTrue.AddRange(Flat(truth));
            reBgPred.AddRange(Flat(reBg)); reBgTrue.AddRange(Flat(truth, skip: 1));
        }

        // Local actions.
        var reIds = Ints(rerun.ActionIds, b);
        var labels = batch.LocalActions is { } local ? Ints(local[.., 1..], b) : null;
        for (int i = 0; i < b; i++)
        {
            for (int k = 0; k < t - 1; k++)
                if (labels is not null) actions.Add((identities[i], labels[i][k], ids[i][k]));
            for (int k = 0; k < t - 2; k++)
            {
                if (labels is not null) reActions.Add((identities[i], labels[i][k + 1], reIds[i][k]));
                coActions.Add((identities[i], ids[i][k + 1], reIds[i][k]));
            }
        }

        // Video quality on frames 1..T−1 (frame 0 is the real frame in both clips).
        var g = generated01[.., 1..];
        var r = real01[.., 1..];
        mseSum += ImageQuality.Mse(g, r).sum().item<double>();
        psnrSum += ImageQuality.Psnr(g, r).sum().item<double>();
        ssimSum += ImageQuality.Ssim(g, r).sum().item<double>();
        if (options.Lpips is { } lpips)
            lpipsSum += lpips.Distance01(g.reshape(-1, 3, height, width), r.reshape(-1, 3, height, width)).to(float64).sum().item<double>();
        frameCount += (long)b * (t - 1);
        fid?.Add(real01, generated01);
        if (fvd is not null && t >= Networks.InceptionI3d.MinimumFrames) fvd.Add(real01, generated01);

        if (sampleReal is null)
        {
            sampleReal = real01[0].cpu().detach().MoveToOuterDisposeScope();
            sampleGenerated = generated01[0].cpu().detach().MoveToOuterDisposeScope();
            sampleForegrounds = ForegroundStrip(observations[0], batch.Masks?[0], batch.Shifts?[0], real.TeacherForced?[0], replayed[0], randomReplay[0]).MoveToOuterDisposeScope();
        }
        clips += b;
    }

    void Summarize(EvaluationReport report, FrechetInceptionDistance? fid, FrechetVideoDistance? fvd)
    {
        report.Setup.Add(("clips", clips.ToString()));
        report.Setup.Add(("frames per clip", $"{frames} ({width}×{height}); {clips * (frames - 1)} transitions"));
        report.Setup.Add(("local actions (K)", model.NumActions.ToString()));

        const string noMasks = "the dataset has no true masks";
        if (hasMasks)
        {
            report.Set("mask_iou", iou.Average());
            report.Set("re_mask_iou", reIou.Average());
            report.Set("mask_iou_binary_truth", iouBinaryTruth.Average());
            report.Set("mask_iou_ceiling", iouCeiling.Average());
        }
        else report.Skip(["mask_iou", "re_mask_iou", .. EvaluationReport.MaskCeilingKeys], noMasks);
        report.Set("co_mask_iou", coIou.Average());

        SetShifts(report, "fg", hasShifts, fgPred, fgTrue, reFgPred, reFgTrue, coFgPred, coFgRef, "foreground shifts (shifts)");
        SetShifts(report, "bg", hasBgShifts, bgPred, bgTrue, reBgPred, reBgTrue, coBgPred, coBgRef, "background shifts (bg_shifts)");

        if (hasLabels)
        {
            report.Set("nmi_global", NormalizedMutualInformation.Compute(actions.Select(a => a.True).ToList(), actions.Select(a => a.Predicted).ToList()));
            report.Set("re_nmi_global", NormalizedMutualInformation.Compute(reActions.Select(a => a.True).ToList(), reActions.Select(a => a.Predicted).ToList()));
            var random = new Random(options.Seed);
            var randomIds = actions.Select(_ => random.Next(model.NumActions)).ToList();
            report.Set("nmi_random", NormalizedMutualInformation.Compute(actions.Select(a => a.True).ToList(), randomIds));
            if (hasIdentities)
            {
                report.Set("nmi_local", NormalizedMutualInformation.MeanOverGroups(actions.GroupBy(a => a.Identity, a => (a.True, a.Predicted))));
                report.Set("re_nmi_local", NormalizedMutualInformation.MeanOverGroups(reActions.GroupBy(a => a.Identity, a => (a.True, a.Predicted))));
            }
            else report.Skip(["nmi_local", "re_nmi_local"], "the dataset records no character identity");
            int labelCount = actions.Max(a => a.True) + 1;
            var names = options.LabelNames is { } n && n.Count >= labelCount ? n : null;
            report.Confusion = ActionConfusion.FromPairs(actions.Select(a => (a.True, a.Predicted)), model.NumActions, labelCount, names);
        }
        else report.Skip(["nmi_global", "nmi_local", "nmi_random", "re_nmi_global", "re_nmi_local"], "the dataset has no local action labels (local)");
        report.Set("co_nmi_global", NormalizedMutualInformation.Compute(coActions.Select(a => a.Real).ToList(), coActions.Select(a => a.Rerun).ToList()));
        if (hasIdentities)
            report.Set("co_nmi_local", NormalizedMutualInformation.MeanOverGroups(coActions.GroupBy(a => a.Identity, a => (a.Real, a.Rerun))));
        else report.Skip(["co_nmi_local"], "the dataset records no character identity");

        fidelity.Summarize(report);
        if (deltaPsnrCount > 0) report.Set("delta_psnr", deltaPsnrSum / deltaPsnrCount);
        else report.Skip(["delta_psnr"], $"needs clips of more than {DeltaPsnrFrame} frames; evaluate longer clips");
        report.Set("codes_used_eval", codesUsed.Count);
        report.ForegroundStrip = sampleForegrounds;

        report.Set("mse", mseSum / frameCount);
        report.Set("psnr", psnrSum / frameCount);
        report.Set("ssim", ssimSum / frameCount);
        if (options.Lpips is not null) report.Set("lpips", lpipsSum / frameCount);
        else report.Skip(["lpips"], options.MissingNetworkReason("lpips"));
        if (fid is null) report.Skip(["fid"], options.MissingNetworkReason("fid"));
        else if (fid.Count < 2) report.Skip(["fid"], "needs at least 2 frames per set");
        else report.Set("fid", fid.Compute());
        if (fvd is null) report.Skip(["fvd"], options.MissingNetworkReason("fvd"));
        else if (frames < Networks.InceptionI3d.MinimumFrames) report.Skip(["fvd"], $"I3D needs clips of at least {Networks.InceptionI3d.MinimumFrames} frames (evaluated with {frames}); evaluate clips of 12 frames");
        else if (fvd.Count < 2) report.Skip(["fvd"], "needs at least 2 clips per set");
        else report.Set("fvd", fvd.Compute());

        report.Notes.Add("Per-frame metrics (MSE, PSNR, SSIM, LPIPS) average frames 1..T−1: frame 0 of a generated clip is the real first frame. FID uses every frame and FVD every clip, as the reference does.");
        report.Notes.Add($"fg_l1_*: mean L1 (images in [-1, 1], averaged over channels) inside the true foreground mask of frames 1..T−1. teacher: each frame rendered from the real previous frame; generated: from the real first frame alone with the inferred actions; blank: 0 painted into the mask; mean_colour: the mean in-mask colour of all evaluated frames; copy_first: the first frame's foreground moved by the true accumulated shift.");
        report.Notes.Add($"delta_psnr: PSNR at frame {DeltaPsnrFrame} of the clip generated from its first frame with the inferred actions minus the same with uniformly random local actions (same global actions; seed {options.Seed}), as Genie's ΔPSNR. codes_used_eval: distinct local action ids the model chose on the real clips in evaluation mode.");
        report.Notes.Add("Generated frames are quantized to 8 bits as the reference's dataset builder stores them (rounded; the reference truncates).");
        report.Notes.Add("SSIM uses an 11×11 Gaussian window (σ 1.5) with the data range 1; the reference passes the data range where piq expects the kernel size, i.e. a 1×1 window (see docs/evaluation.md).");
        if (hasLabels) report.Notes.Add($"nmi_random: uniformly random ids in [0, {model.NumActions}) (seed {options.Seed}); the reference draws from [0, 6) whatever K.");
        if (hasMasks) report.Notes.Add("mask_iou_ceiling: the true masks binarized at 0.5 scored against the true masks as loaded (resized to the model's size, so soft along the border): the best IoU a binary mask can reach here. mask_iou_binary_truth: the predicted masks against the binarized truth.");
        report.Notes.Add("Shift errors are in pixels of the frame (a normalized shift (dx, dy) is (dx·W/2, dy·H/2) px); angle match counts predictions strictly within 45° of non-zero reference shifts.");
    }

    void SetShifts(EvaluationReport report, string layer, bool hasTruth, List<Shift> pred, List<Shift> truth, List<Shift> rePred, List<Shift> reTruth,
        List<Shift> coPred, List<Shift> coRef, string field)
    {
        string[] keys = [$"{layer}_shift_error_px", $"{layer}_angle_match"];
        string noNonZero = $"no non-zero reference {(layer == "fg" ? "foreground" : "background")} shift";
        if (hasTruth)
        {
            var scores = ShiftMetrics.Compute(pred, truth, width, height);
            var reScores = ShiftMetrics.Compute(rePred, reTruth, width, height);
            report.Set(keys[0], scores.MeanErrorPx); report.Set(keys[1], scores.AngleMatch, noNonZero);
            report.Set("re_" + keys[0], reScores.MeanErrorPx); report.Set("re_" + keys[1], reScores.AngleMatch, noNonZero);
            report.ShiftErrorsPx[layer] = scores.ErrorsPx;
            report.ShiftErrorsPx["re_" + layer] = reScores.ErrorsPx;
        }
        else report.Skip([.. keys, .. keys.Select(k => "re_" + k)], $"the dataset has no true {field}");
        var co = ShiftMetrics.Compute(coPred, coRef, width, height);
        report.Set("co_" + keys[0], co.MeanErrorPx);
        report.Set("co_" + keys[1], co.AngleMatch, "the real-clip predictions are all zero");
    }

    /// <summary>The first clip, real (top) and generated (bottom), frames left to right: (3, 2H, T·W) in [0, 1].</summary>
    public Tensor? SampleStrip()
    {
        if (sampleReal is null || sampleGenerated is null) return null;
        using var scope = NewDisposeScope();
        Tensor Row(Tensor clip) => cat(clip.unbind(0).ToArray(), 2);   // (3, H, T·W)
        return cat([Row(sampleReal), Row(sampleGenerated)], 1).MoveToOuterDisposeScope();
    }

    /// <summary>Rows of the first clip's frames 1..T−1 in [0, 1]: real, teacher-forced, generated with the inferred
    /// actions, generated with random local actions, and the copy-first baseline (when the data has masks and shifts).</summary>
    /// <returns>(3, rows·H, (T−1)·W)</returns>
    static Tensor ForegroundStrip(Tensor real /* (T, 3, H, W) */, Tensor? masks /* (T, 1, H, W) */, Tensor? shifts /* (T, 2) */,
        Tensor? teacher /* (T−1, 3, H, W) */, Tensor generated /* (T−1, 3, H, W) */, Tensor random /* (T−1, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        var rows = new List<Tensor> { real[1..] };
        if (teacher is not null) rows.Add(teacher);
        rows.Add(generated);
        rows.Add(random);
        if (masks is not null && shifts is not null)
            rows.Add(ForegroundFidelity.CopyFirst(real.unsqueeze(0), masks.to(real.device).unsqueeze(0), shifts.to(real.device).unsqueeze(0))[0]);
        Tensor Row(Tensor clip) => cat(((clip.cpu() + 1) / 2).clamp(0, 1).unbind(0).ToArray(), 2); // (3, H, n·W)
        return cat(rows.Select(Row).ToArray(), 1).MoveToOuterDisposeScope();
    }

    static float[] Floats(Tensor t) => t.detach().to(float32).cpu().flatten().data<float>().ToArray();

    /// <summary>(B, n, 2) → per clip, per transition.</summary>
    static Shift[][] Shifts(Tensor t)
    {
        var values = t.detach().to(float64).cpu().contiguous().data<double>().ToArray();
        int b = (int)t.shape[0], n = (int)t.shape[1];
        return Enumerable.Range(0, b).Select(i => Enumerable.Range(0, n).Select(k => new Shift(values[(i * n + k) * 2], values[(i * n + k) * 2 + 1])).ToArray()).ToArray();
    }

    /// <summary>All clips' transitions in order, leaving out the first <paramref name="skip"/> of each clip.</summary>
    static IEnumerable<Shift> Flat(Shift[][] perClip, int skip = 0) => perClip.SelectMany(c => c.Skip(skip));

    static int[][] Ints(Tensor t, int b)
    {
        var values = t.detach().to(int64).cpu().contiguous().data<long>().ToArray();
        int n = (int)(values.Length / b);
        return Enumerable.Range(0, b).Select(i => Enumerable.Range(0, n).Select(k => (int)values[i * n + k]).ToArray()).ToArray();
    }
}
