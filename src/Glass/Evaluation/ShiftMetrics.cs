namespace Glass.Evaluation;

/// <summary>A 2D layer shift (dx, dy) in the model's normalized units: 2·Δpx/W, 2·Δpx/H, positive = right/down.</summary>
public readonly record struct Shift(double X, double Y)
{
    /// <summary>The same displacement in pixels of a W×H frame (normalized [-1, 1] spans the frame).</summary>
    public (double X, double Y) ToPixels(int width, int height) => (X * width * 0.5, Y * height * 0.5);
}

/// <summary>Scores of predicted shifts against reference shifts (true ones, or the real-clip predictions for the
/// co_ figures).</summary>
/// <param name="MeanErrorPx">mean L2 distance in pixels over all transitions.</param>
/// <param name="AngleMatch">fraction of transitions with a non-zero reference shift whose predicted direction
/// lies within 45° of it (cosine &gt; 1/√2); NaN when no reference shift is non-zero.</param>
/// <param name="ErrorsPx">the per-transition L2 errors in pixels (for histograms).</param>
public sealed record ShiftScores(double MeanErrorPx, double AngleMatch, int Count, int NonZeroCount, double[] ErrorsPx);

/// <summary>The reference evaluator's shift figures: L2 error in pixels (the prediction scaled by W/2, H/2) and the
/// 45° angle match over non-zero reference shifts. Both shifts are in the same normalized units (see
/// <see cref="Shift"/>); the reference stores its truths in other units and flips the background sign, we convert
/// when reading data instead.</summary>
public static class ShiftMetrics
{
    static readonly double CosineOf45Degrees = 1 / Math.Sqrt(2);

    public static ShiftScores Compute(IReadOnlyList<Shift> predicted, IReadOnlyList<Shift> reference, int width, int height)
    {
        if (predicted.Count != reference.Count)
            throw new GlassException($"shift metrics: {predicted.Count} predicted shifts but {reference.Count} reference shifts; they must pair up one per transition");
        if (width <= 0 || height <= 0)
            throw new GlassException($"shift metrics: frame size {width}x{height} must be positive");
        var errors = new double[predicted.Count];
        int nonZero = 0, matches = 0;
        for (int i = 0; i < predicted.Count; i++)
        {
            var (px, py) = predicted[i].ToPixels(width, height);
            var (rx, ry) = reference[i].ToPixels(width, height);
            errors[i] = Math.Sqrt((px - rx) * (px - rx) + (py - ry) * (py - ry));
            double referenceNorm = Math.Sqrt(rx * rx + ry * ry);
            if (referenceNorm > 0)
            {
                nonZero++;
                // A zero prediction has no direction: its cosine is NaN and counts as a miss, as in the reference.
                double cosine = (px * rx + py * ry) / referenceNorm / Math.Sqrt(px * px + py * py);
                if (cosine > CosineOf45Degrees) matches++;
            }
        }
        double mean = errors.Length == 0 ? double.NaN : errors.Average();
        double angle = nonZero == 0 ? double.NaN : (double)matches / nonZero;
        return new ShiftScores(mean, angle, errors.Length, nonZero, errors);
    }
}
