using Glass.Data;
using Glass.Evaluation;
using Glass.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Evaluation;

/// <summary>The evaluator's bookkeeping (which frames and transitions pair with which truth, re_/co_ alignment,
/// skipping) checked with stand-in models whose figures are known exactly.</summary>
public class EvaluatorTests : IDisposable
{
    readonly List<string> dirs = [];

    public EvaluatorTests() => TorchRuntime.Initialize();

    public void Dispose() { foreach (var d in dirs) Directory.Delete(d, recursive: true); }

    /// <summary>Reads the truth of the batch being evaluated: teacher-forced analysis returns it exactly (for the
    /// re-run on frames 1..T−1, the truth of those frames) and generation returns the real frames. An optional
    /// offset is added to the foreground shifts and ids can be forced to one value.</summary>
    sealed class OracleModel(int numActions, double fgOffsetX = 0, int? constantId = null) : IEvaluatedModel
    {
        public ClipBatch? Current;
        public int NumActions => numActions;

        public ModelAnalysis Analyze(Tensor observations, bool generate)
        {
            var batch = Current!;
            int skip = batch.Frames - (int)observations.shape[1]; // 0: real clip, 1: re-run on frames 1..T−1
            var masks = batch.Masks?.narrow(1, skip, observations.shape[1]) ?? zeros(new[] { observations.shape[0], observations.shape[1], 1, observations.shape[3], observations.shape[4] });
            var shifts = (batch.Shifts?.narrow(1, skip + 1, observations.shape[1] - 1) ?? full(observations.shape[0], observations.shape[1] - 1, 2, 0.25f)).clone();
            shifts[.., .., 0] += fgOffsetX;
            var bg = batch.BackgroundShifts?.narrow(1, skip + 1, observations.shape[1] - 1) ?? full(observations.shape[0], observations.shape[1] - 1, 2, -0.1f);
            var ids = constantId is { } c ? full(observations.shape[0], observations.shape[1] - 1, c, dtype: int64)
                : batch.LocalActions?.narrow(1, skip + 1, observations.shape[1] - 1) ?? zeros(observations.shape[0], observations.shape[1] - 1, dtype: int64);
            // perfect generation: the real frames 1..T−1
            return new ModelAnalysis(masks.clone(), shifts, bg.clone(), ids.clone(), generate ? batch.Observations[.., 1..].clone() : null,
                generate ? batch.Observations[.., 1..].clone() : null);
        }

        // Perfect when given the true local actions (or, without labels, any); random ids give mid grey from frame 2 on.
        public Tensor Replay(Tensor firstFrames, Tensor foregroundShifts, Tensor ids, Tensor backgroundShifts)
        {
            var batch = Current!;
            var frames = batch.Observations[.., 1..].clone();
            if (batch.LocalActions is { } truth && constantId is null && !ids.eq(truth[.., 1..].to(int64)).all().item<bool>())
                frames[.., 1..] = 0;
            return frames;
        }
    }

    EvaluationReport Evaluate(OracleModel model, string root, int frames)
    {
        using var loader = EvaluationData.Loader(root, frames);
        var evaluator = new Evaluator(model, new EvaluationOptions { MissingNetworkReason = k => $"no weights for {k}" });
        return evaluator.Run(loader.Batches().Select(b => { model.Current = b; return b; }), (int)loader.ClipCount);
    }

    string Data(bool groundTruth = true)
    {
        var root = EvaluationData.Write(videos: 3, frames: 12, groundTruth: groundTruth);
        dirs.Add(root);
        return root;
    }

    [Fact]
    public void AModelThatReadsTheTruthScoresPerfectly()
    {
        var report = Evaluate(new OracleModel(numActions: 4), Data(), frames: 6);
        var m = report.Metrics;
        foreach (var key in new[] { "mask_iou", "re_mask_iou", "co_mask_iou", "mask_iou_binary_truth", "mask_iou_ceiling", "fg_angle_match", "bg_angle_match", "re_fg_angle_match",
                     "co_fg_angle_match", "nmi_global", "nmi_local", "re_nmi_global", "re_nmi_local", "co_nmi_global", "co_nmi_local", "ssim" })
            Assert.True(Math.Abs(m[key]!.Value - 1) < 1e-6, $"{key} = {m[key]}");
        foreach (var key in new[] { "fg_shift_error_px", "bg_shift_error_px", "re_fg_shift_error_px", "re_bg_shift_error_px", "co_fg_shift_error_px", "mse" })
            Assert.True(Math.Abs(m[key]!.Value) < 1e-5, $"{key} = {m[key]}");
        Assert.Equal(80, m["psnr"]!.Value, 3);
        Assert.InRange(m["nmi_random"]!.Value, 0, 0.5);
        Assert.Null(m["lpips"]); Assert.Null(m["fid"]); Assert.Null(m["fvd"]);
        Assert.Equal("no weights for lpips", report.Skipped["lpips"]);
        // 3 videos of 12 frames in windows of 6: 6 clips, 5 transitions each
        Assert.Equal(30, report.ShiftErrorsPx["fg"].Length);
        Assert.Equal(24, report.ShiftErrorsPx["re_fg"].Length);
        var confusion = report.Confusion!;
        Assert.Equal(30, confusion.Counts.Cast<int>().Sum());
        for (int i = 0; i < 4; i++) for (int t = 0; t < 3; t++) if (i != t) Assert.Equal(0, confusion.Counts[i, t]);
    }

    [Fact]
    public void KnownErrorsShowUpInTheirFigures()
    {
        // Every predicted foreground shift is 1 px too far right (2/W normalized); every id is 0.
        var report = Evaluate(new OracleModel(numActions: 6, fgOffsetX: 2.0 / EvaluationData.Width, constantId: 0), Data(), frames: 6);
        var m = report.Metrics;
        Assert.Equal(1.0, m["fg_shift_error_px"]!.Value, 5);
        Assert.Equal(1.0, m["re_fg_shift_error_px"]!.Value, 5);
        Assert.Equal(0.0, m["co_fg_shift_error_px"]!.Value, 5);  // the re-run makes the same error as the real run
        Assert.Equal(0.0, m["bg_shift_error_px"]!.Value, 5);
        Assert.Equal(0.0, m["nmi_global"]!.Value, 9);             // one id for three labels
        Assert.Equal(1.0, m["co_nmi_global"]!.Value, 9);          // both runs constant: perfect agreement (sklearn)
        // angle match: every true move is 2 px, so 1 px more to the right stays within 45° (26.6° at most); zero moves are left out
        Assert.Equal(1.0, m["fg_angle_match"]!.Value, 9);
    }

    [Fact]
    public void DatasetsWithoutGroundTruthSkipThoseMetricsWithANote()
    {
        var report = Evaluate(new OracleModel(numActions: 3), Data(groundTruth: false), frames: 5);
        foreach (var key in new[] { "mask_iou", "re_mask_iou", "mask_iou_ceiling", "fg_shift_error_px", "re_bg_angle_match", "nmi_global", "nmi_local", "nmi_random" })
        {
            Assert.Null(report.Metrics[key]);
            Assert.StartsWith("the dataset has no", report.Skipped[key]);
        }
        // what needs no truth is still computed: agreement of the re-run with the real run, video quality
        Assert.Equal(0.0, report.Metrics["co_fg_shift_error_px"]!.Value, 6);
        Assert.Equal(1.0, report.Metrics["co_nmi_global"]!.Value, 9);
        Assert.Equal(0.0, report.Metrics["mse"]!.Value, 9);
        Assert.Equal("the dataset records no character identity", report.Skipped["co_nmi_local"]);
        Assert.Null(report.Confusion);
        Assert.DoesNotContain(report.ShiftErrorsPx.Keys, k => !k.StartsWith("co"));
    }

    [Fact]
    public void ForegroundFiguresSeparateTheModelFromTheBaselines()
    {
        var report = Evaluate(new OracleModel(numActions: 3), Data(), frames: 6);
        var m = report.Metrics;
        // The oracle renders the true frames: no error teacher-forced or generated.
        Assert.Equal(0.0, m["fg_l1_teacher"]!.Value, 6);
        Assert.Equal(0.0, m["fg_l1_generated"]!.Value, 6);
        // The square moves exactly by the true whole-pixel shifts and keeps its colour: copying the first frame is exact.
        Assert.Equal(0.0, m["fg_l1_copy_first"]!.Value, 5);
        // The squares are (230, 200 − 20v, 60) in videos v = 0, 1, 2, each present in all 5 predicted frames of 2 clips.
        static double L(double p) => p / 255 * 2 - 1;
        double[][] colours = [.. Enumerable.Range(0, 3).Select(v => new[] { L(230), L(200 - 20 * v), L(60) })];
        Assert.Equal(colours.Average(c => c.Average(Math.Abs)), m["fg_l1_blank"]!.Value, 6);
        var mean = Enumerable.Range(0, 3).Select(ch => colours.Average(c => c[ch])).ToArray();
        Assert.Equal(colours.Average(c => c.Select((x, ch) => Math.Abs(x - mean[ch])).Average()), m["fg_l1_mean_colour"]!.Value, 6);
        // Random local actions turn frames 2.. grey: the inferred ones are much closer at frame 4.
        Assert.True(m["delta_psnr"]!.Value > 20, $"delta_psnr = {m["delta_psnr"]}");
        Assert.Equal(3, m["codes_used_eval"]!.Value);
        Assert.NotNull(report.ForegroundStrip);
        Assert.Equal(5 * 32, report.ForegroundStrip!.shape[1]); // real, teacher, generated, random, copy-first
    }

    [Fact]
    public void ShortClipsSkipDeltaPsnrWithTheReason()
    {
        var report = Evaluate(new OracleModel(numActions: 3), Data(), frames: 4);
        Assert.Null(report.Metrics["delta_psnr"]);
        Assert.Contains("more than 4 frames", report.Skipped["delta_psnr"]);
        Assert.NotNull(report.Metrics["fg_l1_teacher"]);
    }
}
