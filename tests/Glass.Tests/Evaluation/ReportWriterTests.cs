using System.Text.Json;
using Glass.Evaluation;
using Xunit;

namespace Glass.Tests.Evaluation;

public class ReportWriterTests : IDisposable
{
    readonly string dir = TestPaths.NewTempDir("glass-eval-report");

    public ReportWriterTests() => Glass.Runtime.TorchRuntime.Initialize();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static EvaluationReport Sample()
    {
        var report = new EvaluationReport();
        report.Set("mask_iou", 0.8125);
        report.Set("fg_shift_error_px", 1.5);
        report.Set("re_fg_angle_match", double.NaN, "no non-zero foreground shift in the re-run");
        report.Set("psnr", 23.456789);
        report.Skip(["lpips", "fid", "fvd"], "no pretrained network weights given (--lpips, --inception, --i3d)");
        report.Setup.Add(("checkpoint", "run|1.glass"));
        report.Notes.Add("SSIM uses an 11×11 Gaussian window.");
        report.Confusion = ActionConfusion.FromPairs([(0, 1), (0, 1), (1, 0), (2, 2), (3, 2)], numIds: 3, numLabels: 4,
            labelNames: ["walk-front", "walk-left", "walk-right", "spellcast-front"]);
        report.ShiftErrorsPx["fg"] = [0.5, 1.0, 1.5, 3.0];
        report.ShiftErrorsPx["re_fg"] = [0.7, 2.0];
        report.ShiftErrorsPx["bg"] = [0.1, 0.2];
        report.SampleStrip = TorchSharp.torch.rand(3, 16, 40);
        return report;
    }

    [Fact]
    public void WritesFlatJsonMarkdownAndPlots()
    {
        var written = EvaluationReportWriter.Write(Sample(), dir);
        string[] files = [EvaluationReportWriter.MetricsFile, EvaluationReportWriter.ReportFile, EvaluationReportWriter.SamplesImage, EvaluationReportWriter.ConfusionPlot,
            EvaluationReportWriter.ForegroundShiftPlot, EvaluationReportWriter.BackgroundShiftPlot];
        Assert.Equal(files.Select(f => Path.Combine(dir, f)).Order(), written.Order());
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(EvaluationReport.MetricKeys, keys);
        foreach (var key in new[] { "mask_iou", "fg_angle_match", "bg_shift_error_px", "nmi_global", "nmi_local", "nmi_random",
                     "re_mask_iou", "co_fg_shift_error_px", "re_nmi_global", "co_nmi_local", "mse", "ssim", "lpips", "fid", "fvd" })
            Assert.Contains(key, keys);
        Assert.Equal(0.8125, json.RootElement.GetProperty("mask_iou").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("lpips").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("re_fg_angle_match").ValueKind);

        var md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("| Mask IoU | 0.8125 | — | — |", md);
        Assert.Contains("| PSNR (dB) | 23.46 |", md);
        Assert.Contains("`lpips`, `fid`, `fvd`: no pretrained network weights given", md);
        Assert.Contains("`re_fg_angle_match`: no non-zero foreground shift", md);
        Assert.Contains("run\\|1.glass", md); // table cells stay intact
        Assert.Contains("![Learned local action ids vs true labels](local_action_confusion.png)", md);
        Assert.Contains("SSIM uses an 11×11 Gaussian window.", md);

        foreach (var png in files.Where(f => f.EndsWith(".png")))
        {
            var bytes = File.ReadAllBytes(Path.Combine(dir, png));
            Assert.True(bytes.Length > 1000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }

    [Fact]
    public void PlotsAreLeftOutWithoutTheirData()
    {
        var report = new EvaluationReport();
        report.Set("mse", 0.01);
        var written = EvaluationReportWriter.Write(report, dir);
        Assert.Equal(2, written.Count);
        Assert.DoesNotContain("## Plots", File.ReadAllText(Path.Combine(dir, "report.md")));
    }

    [Fact]
    public void ConfusionCountsPairsAndRejectsOutOfRangeIds()
    {
        var confusion = ActionConfusion.FromPairs([(1, 0), (1, 0), (0, 2)], numIds: 3, numLabels: 2);
        Assert.Equal(2, confusion.Counts[0, 1]);
        Assert.Equal(1, confusion.Counts[2, 0]);
        Assert.Throws<GlassException>(() => ActionConfusion.FromPairs([(0, 3)], numIds: 3, numLabels: 2));
        Assert.Throws<ArgumentException>(() => new EvaluationReport().Set("not_a_metric", 1));
    }
}
