using Glass.Cli;
using Xunit;

namespace Glass.Tests.Cli;

/// <summary>The library names inputs, never flags; the CLI turns them into its options.</summary>
public class CliRunnerTests
{
    [Fact]
    public void EveryLibraryInputHasAnOption() =>
        Assert.All(Enum.GetValues<GlassInput>(), input => Assert.StartsWith("--", CliRunner.Option(input)));

    [Fact]
    public void TheOptionPrefixesTheMessageAndARemedyFollowsIt()
    {
        Assert.Equal("--scale: enlargement 0: use 1..16", CliRunner.UserMessage(new GlassException("enlargement 0: use 1..16") { Input = GlassInput.Scale }));
        Assert.Equal("out.gif exists; pass --force to overwrite it", CliRunner.UserMessage(new GlassException("out.gif exists") { Remedy = GlassInput.Force }));
    }
}
