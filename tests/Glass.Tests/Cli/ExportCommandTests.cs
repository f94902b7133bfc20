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
}
