using Glass.Checkpoints;
using Glass.Config;
using Glass.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Cli;

public class ExportCommandTests
{
    public ExportCommandTests() => TorchRuntime.Initialize();

    [Fact]
    public void AWeightsOnlyExportDropsTheTrainingStateAndRunsInFloat32()
    {
        var dir = TestPaths.NewTempDir();
        var config = new GlassConfig { Name = "tiny" };
        config.Runtime.ConvolutionPrecision = "bfloat16";   // as a run trained with --convolution-precision bfloat16
        var model = nn.Linear(4, 2);
        var source = Path.Combine(dir, "run.glass");
        GlassCheckpoint.Save(source, config, model, optim.Adam(model.parameters()), globalStep: 5);

        var target = Path.Combine(dir, "shipped.glass");
        var result = CliProcess.Run("export", "--checkpoint", source, "--out", target, "--weights-only");
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("runtime.convolution_precision: bfloat16 (the run's) -> float32", result.StdOut);
        using var shipped = GlassCheckpoint.Read(target);
        Assert.Equal("float32", shipped.Config.Runtime.ConvolutionPrecision);
        Assert.Null(shipped.OptimizerState);
        Assert.Equal(5, shipped.GlobalStep);

        // without --weights-only the copy keeps the run as it was (a run to resume)
        var copy = Path.Combine(dir, "copy.glass");
        Assert.Equal(0, CliProcess.Run("export", "--checkpoint", source, "--out", copy).ExitCode);
        using var kept = GlassCheckpoint.Read(copy);
        Assert.Equal("bfloat16", kept.Config.Runtime.ConvolutionPrecision);
        Assert.NotNull(kept.OptimizerState);
    }

    [Fact]
    public void AGivenConfigReplacesTheStoredOneOnlyForTheSameModel()
    {
        var dir = TestPaths.NewTempDir();
        var config = new GlassConfig { Name = "tiny" };
        var model = nn.Linear(4, 2);
        var source = Path.Combine(dir, "run.glass");
        GlassCheckpoint.Save(source, config, model, globalStep: 7);

        // the same model, other named actions (what a model to ship may need)
        var same = new GlassConfig { Name = "tiny" };
        same.Generation.Actions["up"] = [0.0, -0.045];
        var sameYaml = Path.Combine(dir, "same.yaml");
        File.WriteAllText(sameYaml, same.ToYaml());
        var target = Path.Combine(dir, "shipped.glass");
        var result = CliProcess.Run("export", "--checkpoint", source, "--out", target, "--config", sameYaml, "--weights-only");
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("replaces the checkpoint's", result.StdOut);
        using (var shipped = GlassCheckpoint.Read(target))
        {
            Assert.Equal([0.0, -0.045], shipped.Config.Generation.Actions["up"]);
            Assert.Equal(7, shipped.GlobalStep);
            using var original = GlassCheckpoint.Read(source);
            foreach (var (name, t) in original.ModelState) Assert.True(t.allclose(shipped.ModelState[name], rtol: 0, atol: 0), name);
        }

        // another model is refused before anything is written
        var other = new GlassConfig { Name = "tiny" };
        other.Model.InpaintingNetwork.BaseChannels = 8;
        var otherYaml = Path.Combine(dir, "other.yaml");
        File.WriteAllText(otherYaml, other.ToYaml());
        var refused = Path.Combine(dir, "refused.glass");
        var error = CliProcess.Run("export", "--checkpoint", source, "--out", refused, "--config", otherYaml);
        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains("describes another model", error.StdErr);
        Assert.False(File.Exists(refused));
    }
}
