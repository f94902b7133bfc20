using Glass.Bench;
using Glass.Data.WSprites;
using Glass.Runtime;
using Glass.Web;
using Glass.Web.Play;
using Xunit;
using Xunit.Abstractions;

namespace Glass.Tests.Web;

/// <summary>A bounded load check: concurrent sessions, then each replayed alone must give the same frames.</summary>
// The tiny model is calibrated with sampled actions from the process-wide generator: built while no other test draws.
[Collection(nameof(GlobalTorchRandom))]
public class LoadCheckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ConcurrentSessionsSeeOnlyTheirOwnFrames()
    {
        TorchRuntime.Initialize();
        var model = GlassPlayableModel.Load(TinyGlass.Checkpoint, TorchSharp.torch.CPU);
        await using var t = await TestServer.StartAsync(model, sources: [new CharacterStartSource(new BuiltinCharacterLibrary(), 4, model.Width, model.Height)]);
        var report = await LoadCheck.RunAsync(t.Server.Address, new LoadCheckOptions { Sessions = 4, Duration = TimeSpan.FromSeconds(30), StepsPerSecond = 0, MaxStepsPerSession = 25 });
        output.WriteLine(report.Summary());
        Assert.Equal(100, report.Steps);
        Assert.Equal(report.Steps, report.FramesCompared);
        Assert.Equal(0, report.FramesDiffering);
        Assert.Equal(4, report.SessionsMatchingReplay);
        Assert.Equal(0, t.Playground.SessionCount);
    }
}
