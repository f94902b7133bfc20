using Glass.Data.WSprites;
using Glass.IO;
using Glass.Runtime;
using Glass.Web.Play;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Glass.Tests.Web;

/// <summary>The real model behind the playground: a checkpoint played through GenerationSession.</summary>
// The tiny model is calibrated with sampled actions from the process-wide generator: built while no other test draws.
[Collection(nameof(GlobalTorchRandom))]
public class GlassPlayableModelTests(ITestOutputHelper output)
{
    [Fact]
    public void LoadsACheckpointAndPlaysIndependentPlaybacks()
    {
        TorchRuntime.Initialize();
        using var model = GlassPlayableModel.Load(TinyGlass.Checkpoint, CPU);
        Assert.Equal((TinyGlass.Width, TinyGlass.Height, 3), (model.Width, model.Height, model.LocalActionCount));
        Assert.Equal(["right", "left", "down", "up", "stay"], model.GlobalActions.Select(a => a.Name));
        Assert.Contains("48x32", model.Description);

        var characters = new CharacterStartSource(new BuiltinCharacterLibrary(), 2, model.Width, model.Height);
        using var noGrad = no_grad();
        using var first = FrameCodec.Batch(characters.Load(0), CPU);
        using var a = model.Start(first);
        using var b = model.Start(first);
        using var shifts = tensor(new[] { 0.07f, 0f }, [1, 2]);
        using var stay = zeros(1, 2);
        using var ids = tensor(new long[] { 1 }, [1]);
        using var a1 = a.Step(shifts, ids);
        using var a2 = a.Step(shifts, ids);
        using var b1 = b.Step(shifts, ids);
        Assert.Equal([1, 3, TinyGlass.Height, TinyGlass.Width], a1.Frames.shape);
        Assert.Equal([1, 1, TinyGlass.Height, TinyGlass.Width], a1.Masks.shape);
        // Playbacks do not share recurrent state: b's first step equals a's first, not a's second.
        Assert.Equal(0, b1.Frames.sub(a1.Frames).abs().max().item<float>());
        Assert.True(a2.Frames.sub(a1.Frames).abs().max().item<float>() > 0);
        a.Reset();
        using var again = a.Step(shifts, ids);
        Assert.Equal(0, again.Frames.sub(a1.Frames).abs().max().item<float>());

        var m = a1.Masks;
        output.WriteLine($"tiny model mask: mean {m.mean().item<float>():F3}, below 0.02: {m.lt(0.02).to(ScalarType.Float32).mean().item<float>():P0}, above 0.5: {m.gt(0.5).to(ScalarType.Float32).mean().item<float>():P0}");
    }

    [Fact]
    public void MismatchedFrameSizeIsAClearError()
    {
        TorchRuntime.Initialize();
        var config = TinyGlass.Config();
        config.Data.InputSize = [64, 48];
        var e = Assert.Throws<GlassException>(() => new GlassPlayableModel(Glass.Tests.Model.ModelTestSupport.Build(config.Model), config, "odd.glass"));
        Assert.Contains("state_resolution", e.Message);
        Assert.Throws<GlassException>(() => GlassPlayableModel.Load(Path.Combine(TestPaths.NewTempDir(), "missing.glass"), CPU));
    }
}
