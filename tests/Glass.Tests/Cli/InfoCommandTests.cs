using Xunit;

namespace Glass.Tests.Cli;

public class InfoCommandTests
{
    [Fact]
    public void InfoPrintsTheCpuTheBuildAndTheSelfCheckOfAModelsConvolutions()
    {
        var config = Path.Combine(TestPaths.RepoRoot, "configs", "wsprites-cpu.yaml");
        var result = CliProcess.Run("info", "--threads", "1", "--config", config);
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Matches(@"(?m)^CPU\s+\S", result.StdOut);
        Assert.Matches(@"(?m)^ISA\s+avx2 (yes|no), avx512f (yes|no)", result.StdOut);
        Assert.Matches(@"(?m)^libtorch\s+2\.10\.0 .*oneDNN v3\.", result.StdOut);
        Assert.Matches(@"(?m)^NNPACK\s+off", result.StdOut);
        Assert.Contains("convolution self-check at 1 thread(s)", result.StdOut);
        // The CPU configuration's 64 -> 33 shortcut is fault 1's shape: padded by rule.
        Assert.Matches(@"1x1 64->33 cl .*uses padded-channels \(rule\)", result.StdOut);
        Assert.DoesNotContain("NNPACK!", result.StdErr);
        Assert.Matches(@"(?m)^convolutions\s+guarded: ", result.StdOut);
    }

    /// <summary>GLASS_CONVOLUTION_KERNELS=direct (the workaround off, for a diagnosis) is reported and warned about;
    /// a value it does not know is a one-line error.</summary>
    [Fact]
    public void InfoReportsTheDiagnosticSwitch()
    {
        var config = Path.Combine(TestPaths.RepoRoot, "configs", "wsprites-cpu.yaml");
        var direct = CliProcess.RunWith(new Dictionary<string, string> { ["GLASS_CONVOLUTION_KERNELS"] = "direct" }, "info", "--threads", "1", "--config", config);
        Assert.True(direct.ExitCode == 0, direct.StdErr);
        Assert.Matches(@"(?m)^convolutions\s+direct: libtorch's kernels as they are, no workaround", direct.StdOut);
        Assert.StartsWith("warning: GLASS_CONVOLUTION_KERNELS=direct: ", direct.StdErr);

        var typo = CliProcess.RunWith(new Dictionary<string, string> { ["GLASS_CONVOLUTION_KERNELS"] = "drect" }, "info", "--threads", "1", "--config", config);
        Assert.Equal(1, typo.ExitCode);
        var line = Assert.Single(typo.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: GLASS_CONVOLUTION_KERNELS='drect' is not a setting", line);
    }

    [Fact]
    public void InfoChecksTheConvolutionsInBFloat16()
    {
        var config = Path.Combine(TestPaths.RepoRoot, "configs", "wsprites-cpu.yaml");
        var result = CliProcess.Run("info", "--threads", "1", "--config", config, "--convolution-precision", "bfloat16");
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("convolution self-check at 1 thread(s): bfloat16 against float64", result.StdOut);
        Assert.Matches(@"1x1 64->33 cl on \S+ at 1 thread in bfloat16: direct not run \(known fault\); uses padded-channels \(rule\)", result.StdOut);
    }
}
