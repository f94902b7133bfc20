using System.Text.Json;
using Glass.Checkpoints;
using Glass.Config;
using Glass.Evaluation;
using Glass.Evaluation.Networks;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using Glass.Tests.Cli;
using TorchSharp.PyBridge;
using Xunit;

namespace Glass.Tests.Evaluation;

/// <summary>`glass evaluate` end to end, as a user runs it: a tiny model's checkpoint, a tiny dataset with ground
/// truth, LPIPS weight files; every output file is written and holds what it should.</summary>
public class EvaluateCommandTests : IDisposable
{
    readonly string dir = TestPaths.NewTempDir("glass-eval-cli");
    readonly List<string> dataDirs = [];

    public EvaluateCommandTests() => TorchRuntime.Initialize();

    public void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        foreach (var d in dataDirs) Directory.Delete(d, recursive: true);
    }

    /// <summary>A tiny GLASS (32×32 frames, 3 local actions) with random weights, saved as a Glass checkpoint.</summary>
    internal static string TinyCheckpoint(string dir)
    {
        var c = new GlassConfig();
        c.Data.Crop = [0, 0, EvaluationData.Width, EvaluationData.Height];
        c.Data.InputSize = [EvaluationData.Width, EvaluationData.Height];
        c.Model = TinyModel.Config(EvaluationData.Width, EvaluationData.Height);
        c.Evaluation.Batching.BatchSize = 2;
        c.Evaluation.Batching.NumWorkers = 1;
        c.Validate();
        using var model = new GlassModel(c.Model);
        var path = Path.Combine(dir, "tiny.glass");
        GlassCheckpoint.Save(path, c, model);
        return path;
    }

    [Fact]
    public void EvaluatesATinyModelAndWritesEveryFile()
    {
        var data = EvaluationData.Write(videos: 3, frames: 8);
        dataDirs.Add(data);
        var checkpoint = TinyCheckpoint(dir);
        // LPIPS in its published two-file layout (random weights: the figure is not meaningful, the plumbing is)
        var lpips = new Lpips(LpipsBackbone.AlexNet).state_dict();
        using (TorchSharp.torch.no_grad()) foreach (var (key, value) in lpips) if (key.StartsWith("lin")) value.abs_(); // published lin weights are non-negative
        var linFile = Path.Combine(dir, "alex.pth");
        PyTorchPickler.PickleStateDict(linFile, lpips.Where(p => p.Key.StartsWith("lin")).ToDictionary(p => p.Key, p => p.Value));
        var backboneFile = Path.Combine(dir, "alexnet.pth");
        PyTorchPickler.PickleStateDict(backboneFile, lpips.Where(p => p.Key.StartsWith("features")).ToDictionary(p => p.Key, p => p.Value));
        var output = Path.Combine(dir, "out");

        var result = CliProcess.Run("evaluate", "--checkpoint", checkpoint, "--data", data, "--frames", "4", "--out", output,
            "--lpips", linFile, "--lpips-backbone", backboneFile, "--threads", "1");
        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        Assert.Contains("evaluate: ", result.StdErr);                 // the progress line
        Assert.Contains("6/6 clips", result.StdErr);                  // 3 videos × 2 windows of 4 frames

        foreach (var file in new[] { "metrics.json", "report.md", "samples.png", "foregrounds.png", "local_action_confusion.png", "shift_errors_fg.png", "shift_errors_bg.png" })
            Assert.True(new FileInfo(Path.Combine(output, file)) is { Exists: true, Length: > 100 }, $"{file} missing");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var metrics = json.RootElement;
        Assert.Equal(EvaluationReport.MetricKeys, metrics.EnumerateObject().Select(p => p.Name));
        // 4-frame clips: ΔPSNR compares frame 4, so it is skipped with its reason.
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("delta_psnr").ValueKind);
        foreach (var key in EvaluationReport.MetricKeys.Except(["fid", "fvd", "delta_psnr"]))
            Assert.True(metrics.GetProperty(key).ValueKind == JsonValueKind.Number, $"{key} is {metrics.GetProperty(key)}");
        Assert.InRange(metrics.GetProperty("mask_iou").GetDouble(), 0, 1);
        Assert.InRange(metrics.GetProperty("ssim").GetDouble(), -1, 1);
        Assert.True(metrics.GetProperty("lpips").GetDouble() > 0);
        var md = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("`fid`: no Inception weights given (--inception FILE", md);
        Assert.Contains("`fvd`: no I3D weights given (--i3d FILE", md);
        Assert.Contains("`delta_psnr`: needs clips of more than 4 frames", md);
        Assert.Contains("| clips | 6 |", md);
        Assert.Contains("AlexNet backbone", md);
    }

    [Fact]
    public void UserErrorsAreOneLine()
    {
        var data = EvaluationData.Write(videos: 1, frames: 6, groundTruth: false);
        dataDirs.Add(data);
        var checkpoint = TinyCheckpoint(dir);
        var garbage = Path.Combine(dir, "not-lpips.pth");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8]);

        var badWeights = CliProcess.Run("evaluate", "--checkpoint", checkpoint, "--data", data, "--frames", "4", "--out", Path.Combine(dir, "o1"), "--lpips", garbage);
        Assert.Equal(1, badWeights.ExitCode);
        Assert.StartsWith("error: weights file", badWeights.StdErr.Trim());
        Assert.Single(badWeights.StdErr.Trim().Split('\n'));

        var fewFrames = CliProcess.Run("evaluate", "--checkpoint", checkpoint, "--data", data, "--frames", "2");
        Assert.Equal(1, fewFrames.ExitCode);
        Assert.Contains("--frames", fewFrames.StdErr);

        // without ground truth: evaluation still runs; the figures that need truth are null with a reason
        var output = Path.Combine(dir, "o2");
        var noTruth = CliProcess.Run("evaluate", "--checkpoint", checkpoint, "--data", data, "--frames", "3", "--out", output, "--threads", "1",
            "--generation", "autoregressive");
        Assert.True(noTruth.ExitCode == 0, noTruth.StdErr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("mask_iou").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("co_mask_iou").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("psnr").ValueKind);
        var md = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("the dataset has no true masks", md);
        Assert.Contains("autoregressive (played from the first frame", md);
    }
}
