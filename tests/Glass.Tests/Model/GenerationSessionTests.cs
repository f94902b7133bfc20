using Glass.Generation;
using Glass.Model;
using TorchSharp;
using Xunit;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

public class GenerationSessionTests
{
    public GenerationSessionTests() => InitializeTorch();

    static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void StepsHaveFrameShapesAndCompositeTheLayers()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig());
        using var session = new GenerationSession(model, Frames(2, 1)[.., 0]);
        Assert.False(model.training);
        Assert.Equal([2L, 1, SmallHeight, SmallWidth], session.FirstMasks.shape);
        Assert.Equal([2L, 3, SmallHeight, SmallWidth], session.Background.shape);
        using var step = session.Step(tensor(new float[,] { { 0.1f, 0 }, { 0, -0.1f } }), tensor(new long[] { 0, 2 }));
        Assert.Equal([2L, 3, SmallHeight, SmallWidth], step.Frames.shape);
        Assert.Equal([2L, 3, SmallHeight, SmallWidth], step.Foregrounds.shape);
        Assert.Equal([2L, 1, SmallHeight, SmallWidth], step.Masks.shape);
        Assert.Equal(0, MaxDiff(step.Frames, GlassModel.Composite(step.Masks, step.Foregrounds, step.Backgrounds)));
        Assert.False(step.Frames.requires_grad);
        Assert.Equal(1, session.StepCount);
    }

    [Fact]
    public void StayKeepsTheBackgroundPixelsAndBackgroundShiftsMoveThemByWholePixels()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig());
        using var session = new GenerationSession(model, Frames(1, 1)[.., 0]);
        for (int i = 0; i < 3; i++)
        {
            using var stay = session.Step(0, 0, localActionId: 1);
            Assert.True(stay.Backgrounds.eq(session.Background).all().item<bool>());
        }
        // One pixel right per step (2/W normalised), accumulated: after two steps the content moved two pixels.
        double px = 2.0 / SmallWidth;
        session.Step(0, 0, 1, backgroundDx: px).Dispose();
        using var moved = session.Step(0, 0, 1, backgroundDx: px);
        Assert.True(moved.Backgrounds[.., .., .., 2..].eq(session.Background[.., .., .., ..^2]).all().item<bool>());
        // Border padding repeats the first column.
        Assert.True(moved.Backgrounds[.., .., .., 0].eq(session.Background[.., .., .., 0]).all().item<bool>());
    }

    [Fact]
    public void ResetReplaysExactlyTheSameFrames()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig());
        using var session = new GenerationSession(model, Frames(2, 1, seed: 5)[.., 0]);
        var actions = new (double Dx, double Dy, int Id, double Bx)[] { (0.07, 0, 0, 0.02), (0, 0.1, 2, 0), (-0.07, 0, 1, -0.04), (0, 0, 1, 0) };
        var first = actions.Select(a => session.Step(a.Dx, a.Dy, a.Id, a.Bx).Frames).ToList();
        session.Reset();
        Assert.Equal(0, session.StepCount);
        var second = actions.Select(a => session.Step(a.Dx, a.Dy, a.Id, a.Bx).Frames).ToList();
        for (int i = 0; i < actions.Length; i++)
            Assert.True(first[i].eq(second[i]).all().item<bool>(), $"step {i} differs after Reset");
        Assert.False(first[0].eq(first[2]).all().item<bool>());
    }

    /// <summary>Replaying the actions a clip's analysis found reproduces the model's own autoregressive
    /// unrolling (one ground-truth frame) and its generated frames: the session is the same computation.</summary>
    [Fact]
    public void ReplayingInferredActionsReproducesTheAutoregressiveForward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = Build(SmallConfig());
        model.eval();
        var clip = Frames(2, 4, seed: 9);
        using var actions = GenerationSession.InferActions(model, clip);
        using var forward = model.Forward(clip, numGroundTruthObservations: 1, gumbelTemperature: 0.4, outputGenerated: true);
        Assert.True(actions.LocalActionIds.eq(forward.LocalActionIds).all().item<bool>());
        Assert.True(MaxDiff(actions.ForegroundShifts, forward.GlobalActions) < 1e-6);
        Assert.True(MaxDiff(actions.BackgroundShifts, forward.BackgroundShifts) < 1e-6);
        Assert.Equal([2L, 4, 1, SmallHeight, SmallWidth], actions.Masks.shape);

        // The forward pass inpaints without enlarging the masks (the reference's flag has no effect).
        using var session = new GenerationSession(model, clip[.., 0], enlargeMasks: false);
        for (int i = 0; i < 3; i++)
        {
            using var step = session.Step(actions.ForegroundShifts[.., i], actions.LocalActionIds[.., i], actions.BackgroundShifts[.., i]);
            // Tolerance: the forward pass feeds straight-through codes z + (q - z), equal to q up to rounding.
            Assert.True(MaxDiff(step.Foregrounds, forward.ReconstructedForegrounds[0][.., i]) < 1e-5, $"foreground {i}");
            Assert.True(MaxDiff(step.Masks, forward.ReconstructedMasks[.., i]) < 1e-5, $"mask {i}");
            Assert.True(MaxDiff(step.Frames, forward.GeneratedObservations[.., i]) < 1e-5, $"frame {i}");
        }
    }

    [Fact]
    public void BadActionsAreOneLineErrors()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig());
        using var session = new GenerationSession(model, Frames(2, 1)[.., 0]);
        Assert.Contains("0..2", Assert.Throws<GlassException>(() => session.Step(zeros(2, 2), tensor(new long[] { 0, 3 }))).Message);
        Assert.Contains("(2, 2)", Assert.Throws<GlassException>(() => session.Step(zeros(3, 2), tensor(new long[] { 0, 1 }))).Message);
        Assert.Throws<GlassException>(() => new GenerationSession(model, Frames(1, 1, 64, 64)[.., 0]));
    }
}
