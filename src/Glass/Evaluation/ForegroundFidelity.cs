using Glass.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>
/// Does the model draw the character? Mean L1 (images in [-1, 1], averaged over channels) inside the true
/// foreground mask of frames 1..T−1, for the model and for three baselines that know nothing of appearance
/// changes, accumulated over batches:
/// <list type="bullet">
/// <item><c>fg_l1_teacher</c>: the model teacher-forced (each frame rendered from the real previous one);</item>
/// <item><c>fg_l1_generated</c>: the model generating from the real first frame alone with the actions it inferred;</item>
/// <item><c>fg_l1_blank</c>: 0 (mid grey) painted into the mask;</item>
/// <item><c>fg_l1_mean_colour</c>: the mean foreground colour of all evaluated frames painted into the mask
/// (exact in one pass: per-channel histograms of the 8-bit values);</item>
/// <item><c>fg_l1_copy_first</c>: the first frame's foreground moved by the true accumulated shift.</item>
/// </list>
/// A model that learned appearance beats the blank and mean-colour baselines teacher-forced, and one that learned
/// the local motion too beats copying the first frame.
/// </summary>
public sealed class ForegroundFidelity
{
    double teacherSum, generatedSum, blankSum, copySum;
    long values; // mask pixels × 3 channels
    bool hasTeacher = true, hasCopy = true;
    readonly long[,] histogram = new long[3, 256];

    public bool Empty => values == 0;

    /// <param name="real">(B, T, 3, H, W) in [-1, 1]</param>
    /// <param name="trueMasks">(B, T, 1, H, W) in [0, 1]; a pixel is foreground above 0.5</param>
    /// <param name="trueShifts">(B, T, 2) true foreground shifts, entry t for the transition t−1 → t; null skips copy_first</param>
    /// <param name="teacher">(B, T−1, 3, H, W) the model's teacher-forced frames 1..T−1; null skips fg_l1_teacher</param>
    /// <param name="generated">(B, T−1, 3, H, W) the model's frames 1..T−1 generated from frame 0</param>
    public void Add(Tensor real, Tensor trueMasks, Tensor? trueShifts, Tensor? teacher, Tensor generated)
    {
        using var scope = NewDisposeScope();
        var target = real[.., 1..].to(float64);
        var inside = (trueMasks[.., 1..] > 0.5).to(float64).expand_as(target); // (B, T−1, 3, H, W)
        long n = (long)inside.sum().item<double>();
        if (n == 0) return;
        values += n;
        double L1(Tensor prediction) => ((prediction.to(float64) - target).abs() * inside).sum().item<double>();

        generatedSum += L1(generated);
        blankSum += (target.abs() * inside).sum().item<double>();
        if (teacher is null) hasTeacher = false; else teacherSum += L1(teacher);
        if (trueShifts is null) hasCopy = false; else copySum += L1(CopyFirst(real, trueMasks, trueShifts));

        // 8-bit levels of the in-mask values, per channel.
        var levels = ((target + 1) / 2 * 255).round().clamp(0, 255).to(int64);
        for (int c = 0; c < 3; c++)
        {
            var selected = levels[.., .., c].masked_select(inside[.., .., c] > 0.5);
            var counts = bincount(selected, minlength: 256).cpu().data<long>().ToArray();
            for (int v = 0; v < 256; v++) histogram[c, v] += counts[v];
        }
    }

    /// <summary>The first frame's foreground (true mask × frame) moved by the true shift accumulated up to each
    /// frame, as the model moves foregrounds (bilinear, zeros outside).</summary>
    /// <returns>(B, T−1, 3, H, W) predictions of frames 1..T−1</returns>
    public static Tensor CopyFirst(Tensor real /* (B, T, 3, H, W) */, Tensor trueMasks /* (B, T, 1, H, W) */, Tensor trueShifts /* (B, T, 2) */)
    {
        using var scope = NewDisposeScope();
        long b = real.shape[0], t = real.shape[1];
        var first = (real[.., 0] * (trueMasks[.., 0] > 0.5).to(real.dtype)).unsqueeze(1).expand(b, t - 1, -1, -1, -1); // (B, T−1, 3, H, W)
        var accumulated = trueShifts[.., 1..].to(real.dtype).cumsum(1);                                                // (B, T−1, 2)
        var moved = SpatialTransform.Shift(first.reshape(-1, 3, real.shape[3], real.shape[4]), accumulated.reshape(-1, 2),
            GridSamplePaddingMode.Zeros);
        return moved.reshape(b, t - 1, 3, real.shape[3], real.shape[4]).MoveToOuterDisposeScope();
    }

    /// <summary>Writes fg_l1_* into the report (or why they are missing).</summary>
    public void Summarize(EvaluationReport report)
    {
        if (values == 0)
        {
            report.Skip(["fg_l1_teacher", "fg_l1_generated", "fg_l1_blank", "fg_l1_mean_colour", "fg_l1_copy_first"],
                "the dataset has no true masks (or they are empty)");
            return;
        }
        double mean = values;
        report.Set("fg_l1_generated", generatedSum / mean);
        report.Set("fg_l1_blank", blankSum / mean);
        report.Set("fg_l1_mean_colour", MeanColourL1());
        if (hasTeacher) report.Set("fg_l1_teacher", teacherSum / mean);
        else report.Skip(["fg_l1_teacher"], "the model gave no teacher-forced frames");
        if (hasCopy) report.Set("fg_l1_copy_first", copySum / mean);
        else report.Skip(["fg_l1_copy_first"], "the dataset has no true foreground shifts (shifts)");
    }

    /// <summary>L1 of the per-channel mean colour against every in-mask value, from the histograms.</summary>
    double MeanColourL1()
    {
        double sum = 0;
        long count = 0;
        for (int c = 0; c < 3; c++)
        {
            long n = 0;
            double total = 0;
            for (int v = 0; v < 256; v++) { n += histogram[c, v]; total += histogram[c, v] * Level(v); }
            double colour = total / n;
            for (int v = 0; v < 256; v++) sum += histogram[c, v] * Math.Abs(Level(v) - colour);
            count += n;
        }
        return sum / count;
    }

    static double Level(int v) => v / 255.0 * 2 - 1;
}
