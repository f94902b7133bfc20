using System.Globalization;
using System.Text;
using System.Text.Json;
using Glass.IO;
using ScottPlot;

namespace Glass.Evaluation;

/// <summary>Writes an <see cref="EvaluationReport"/> to a folder: <c>metrics.json</c> (flat keys, null for skipped),
/// <c>report.md</c> (tables, skipped metrics with reasons, notes, plots) and the PNG plots. Files are written
/// atomically.</summary>
public static class EvaluationReportWriter
{
    public const string MetricsFile = "metrics.json", ReportFile = "report.md",
        SamplesImage = "samples.png", ForegroundImage = "foregrounds.png", ConfusionPlot = "local_action_confusion.png", ForegroundShiftPlot = "shift_errors_fg.png", BackgroundShiftPlot = "shift_errors_bg.png";

    /// <summary>The figures `glass evaluate` prints when done: the paper's, the video quality and the foreground's.</summary>
    public static readonly string[] SummaryKeys = ["mask_iou", "mask_iou_ceiling", "fg_shift_error_px", "fg_angle_match", "bg_angle_match", "nmi_global", "nmi_random", "psnr", "ssim",
        "fg_l1_teacher", "fg_l1_generated", "fg_l1_mean_colour", "fg_l1_copy_first", "delta_psnr", "codes_used_eval"];

    /// <summary>One "key value" line per <see cref="SummaryKeys"/> figure that has a value.</summary>
    public static IEnumerable<string> Summary(EvaluationReport report) =>
        SummaryKeys.Where(key => report.Metrics[key] is not null).Select(key => $"{key,-20} {report.Metrics[key]:G4}");

    /// <summary>Writes every file; returns their paths.</summary>
    public static IReadOnlyList<string> Write(EvaluationReport report, string outDir)
    {
        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        var plots = new List<(string Title, string File)>();
        if (report.SampleStrip is { } strip)
        {
            var image = ImageIO.ToRgbImage(strip * 2 - 1);
            AtomicFile.Write(Path.Combine(outDir, SamplesImage), "sample frames", s => s.Write(ImageIO.EncodePng(image)));
            plots.Add(("First test clip: real frames (top), generated from its first frame (bottom)", SamplesImage));
        }
        if (report.ForegroundStrip is { } rows)
        {
            var image = ImageIO.ToRgbImage(rows * 2 - 1);
            AtomicFile.Write(Path.Combine(outDir, ForegroundImage), "foreground rows", s => s.Write(ImageIO.EncodePng(image)));
            plots.Add(("First test clip, frames 1..T−1; rows: real, teacher-forced, generated with the inferred actions, generated with random local actions, the copy-first baseline", ForegroundImage));
        }
        if (report.Confusion is { } confusion)
        {
            AtomicFile.Write(Path.Combine(outDir, ConfusionPlot), "confusion plot", s => s.Write(ConfusionPng(confusion)));
            plots.Add(("Learned local action ids vs true labels", ConfusionPlot));
        }
        foreach (var (layer, file, title) in new[] { ("fg", ForegroundShiftPlot, "Foreground shift errors"), ("bg", BackgroundShiftPlot, "Background shift errors") })
        {
            var series = new[] { layer, "re_" + layer }.Where(report.ShiftErrorsPx.ContainsKey).ToList();
            if (series.Count == 0) continue;
            AtomicFile.Write(Path.Combine(outDir, file), "shift error plot",
                s => s.Write(HistogramPng(series.Select(k => (k.StartsWith("re_") ? "re-run on generated clips" : "real clips", report.ShiftErrorsPx[k])).ToList(), title)));
            plots.Add((title, file));
        }
        written.AddRange(plots.Select(p => Path.Combine(outDir, p.File)));

        var json = Path.Combine(outDir, MetricsFile);
        AtomicFile.Write(json, "metrics", s => s.Write(MetricsJson(report)));
        var markdown = Path.Combine(outDir, ReportFile);
        AtomicFile.Write(markdown, "report", s => s.Write(Encoding.UTF8.GetBytes(Markdown(report, plots))));
        written.Insert(0, markdown);
        written.Insert(0, json);
        return written;
    }

    public static byte[] MetricsJson(EvaluationReport report)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var key in EvaluationReport.MetricKeys)
            {
                if (report.Metrics[key] is { } value) writer.WriteNumber(key, value);
                else writer.WriteNull(key);
            }
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    static readonly Dictionary<string, string> Names = new()
    {
        ["mask_iou"] = "Mask IoU",
        ["fg_shift_error_px"] = "Foreground shift error (px)",
        ["fg_angle_match"] = "Foreground angle match (within 45°)",
        ["bg_shift_error_px"] = "Background shift error (px)",
        ["bg_angle_match"] = "Background angle match (within 45°)",
        ["nmi_global"] = "Local actions NMI, all transitions",
        ["nmi_local"] = "Local actions NMI, mean per identity",
        ["nmi_random"] = "NMI of random ids (chance level)",
        ["mask_iou_binary_truth"] = "Mask IoU against the truth binarized at 0.5",
        ["mask_iou_ceiling"] = "Mask IoU of the binarized truth itself (the best a binary mask reaches)",
        ["fg_l1_teacher"] = "Model, teacher-forced", ["fg_l1_generated"] = "Model, generated from the first frame",
        ["fg_l1_blank"] = "Baseline: blank (0)", ["fg_l1_mean_colour"] = "Baseline: mean foreground colour",
        ["fg_l1_copy_first"] = "Baseline: first frame moved by the true shift",
        ["delta_psnr"] = "ΔPSNR at frame 4, inferred minus random local actions (dB)", ["codes_used_eval"] = "Local action codes used (evaluation mode)",
        ["mse"] = "MSE", ["psnr"] = "PSNR (dB)", ["ssim"] = "SSIM", ["lpips"] = "LPIPS", ["fid"] = "FID", ["fvd"] = "FVD",
    };

    public static string Markdown(EvaluationReport report, IReadOnlyList<(string Title, string File)> plots)
    {
        var md = new StringBuilder();
        md.AppendLine("# Glass evaluation").AppendLine();
        if (report.Setup.Count > 0)
        {
            md.AppendLine("| Setting | Value |").AppendLine("|---|---|");
            foreach (var (name, value) in report.Setup) md.AppendLine($"| {name} | {Escape(value)} |");
            md.AppendLine();
        }
        md.AppendLine("## Ground-truth figures").AppendLine();
        md.AppendLine("Real clips: the model run teacher-forced on the real test clips, against the dataset's truth. " +
            "Re-run (re_): the model run on its own generated clips, against the truth. " +
            "Agreement (co_): the re-run's predictions against the real-clip predictions.").AppendLine();
        md.AppendLine("| Figure | Real clips | Re-run on generated | Agreement re-run vs real |").AppendLine("|---|---|---|---|");
        foreach (var key in EvaluationReport.GroundTruthKeys)
            md.AppendLine($"| {Names[key]} | {Value(report, key)} | {Value(report, "re_" + key)} | {Value(report, "co_" + key)} |");
        foreach (var key in (string[])["nmi_random", .. EvaluationReport.MaskCeilingKeys])
            md.AppendLine($"| {Names[key]} | {Value(report, key)} | | |");
        md.AppendLine();

        md.AppendLine("## Video quality (generated vs real clips)").AppendLine();
        md.AppendLine("| Metric | Value |").AppendLine("|---|---|");
        foreach (var key in EvaluationReport.VideoQualityKeys) md.AppendLine($"| {Names[key]} | {Value(report, key)} |");
        md.AppendLine();

        md.AppendLine("## The character (L1 inside the true foreground mask, lower is better) and control").AppendLine();
        md.AppendLine("| Figure | Value |").AppendLine("|---|---|");
        foreach (var key in EvaluationReport.ForegroundKeys) md.AppendLine($"| {Names[key]} (`{key}`) | {Value(report, key)} |");
        md.AppendLine();

        if (report.Skipped.Count > 0)
        {
            md.AppendLine("## Skipped").AppendLine();
            foreach (var group in report.Skipped.GroupBy(p => p.Value, p => p.Key))
                md.AppendLine($"- {string.Join(", ", group.Select(k => $"`{k}`"))}: {group.Key}");
            md.AppendLine();
        }
        if (plots.Count > 0)
        {
            md.AppendLine("## Plots").AppendLine();
            foreach (var (title, file) in plots) md.AppendLine($"![{title}]({file})").AppendLine();
        }
        if (report.Notes.Count > 0)
        {
            md.AppendLine("## Notes").AppendLine();
            foreach (var note in report.Notes) md.AppendLine($"- {note}");
        }
        return md.ToString();
    }

    static string Value(EvaluationReport report, string key) =>
        report.Metrics[key] is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "—";

    static string Escape(string s) => s.Replace("|", "\\|");

    /// <summary>Heatmap of the fraction of each true label's transitions given to each learned id, with counts.</summary>
    public static byte[] ConfusionPng(ActionConfusion confusion)
    {
        int ids = confusion.Counts.GetLength(0), labels = confusion.Counts.GetLength(1);
        var fractions = new double[ids, labels];
        for (int t = 0; t < labels; t++)
        {
            double total = Enumerable.Range(0, ids).Sum(i => confusion.Counts[i, t]);
            for (int i = 0; i < ids; i++) fractions[i, t] = total > 0 ? confusion.Counts[i, t] / total : double.NaN;
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(fractions);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // With centred cells the extent runs through the outer cells' centres: cell (i, t) covers [t, t+1] × [ids−i−1, ids−i].
        heatmap.Extent = new CoordinateRect(0.5, labels - 0.5, 0.5, ids - 0.5);
        heatmap.CellAlignment = Alignment.MiddleCenter;
        plot.Add.ColorBar(heatmap);
        for (int i = 0; i < ids; i++)
            for (int t = 0; t < labels; t++)
            {
                var text = plot.Add.Text(confusion.Counts[i, t].ToString(CultureInfo.InvariantCulture), t + 0.5, ids - i - 0.5);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = double.IsNaN(fractions[i, t]) || fractions[i, t] > 0.6 ? Colors.Black : Colors.White; // NaN: a label never seen, blank cell
            }
        var labelNames = Enumerable.Range(0, labels).Select(t => confusion.LabelNames is { } n && t < n.Count ? n[t] : t.ToString(CultureInfo.InvariantCulture)).ToArray();
        // "walk-front" → two lines, so long names fit under their column without rotation
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, labels).Select(t => t + 0.5).ToArray(), labelNames.Select(n => n.Replace('-', '\n')).ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, ids).Select(i => ids - i - 0.5).ToArray(), Enumerable.Range(0, ids).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.SetLimits(0, labels, 0, ids);
        plot.Title("Transitions per true label given to each learned id (colour: fraction of the label)");
        plot.XLabel("true local action label");
        plot.YLabel("learned local action id");
        return plot.GetImageBytes(Math.Max(560, 90 * labels + 200), Math.Max(420, 60 * ids + 200), ImageFormat.Png);
    }

    /// <summary>Histograms of per-transition shift errors in pixels, one bar series per set.</summary>
    public static byte[] HistogramPng(IReadOnlyList<(string Label, double[] Values)> series, string title)
    {
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToArray();
        double max = all.Length == 0 ? 1 : Math.Max(all.Max(), 1e-6);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < series.Count; k++)
        {
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(30, 0, max * 1.0001);
            histogram.AddRange(series[k].Values.Where(double.IsFinite));
            double width = max * 1.0001 / 30;
            var centers = Enumerable.Range(0, histogram.Counts.Length).Select(i => (i + 0.5) * width).ToArray();
            var bars = plot.Add.Bars(centers, histogram.Counts.Select(c => (double)c).ToArray());
            bars.Color = palette.GetColor(k).WithAlpha(series.Count > 1 ? 0.55 : 1.0);
            foreach (var bar in bars.Bars) { bar.Size = width; bar.LineWidth = 0; }
            bars.LegendText = $"{series[k].Label} (n = {series[k].Values.Length}, mean {series[k].Values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average():G3} px)";
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title(title);
        plot.XLabel("L2 error per transition (pixels)");
        plot.YLabel("transitions");
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(720, 420, ImageFormat.Png);
    }
}
