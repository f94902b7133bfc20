using Glass.Config;
using Glass.Model;
using Glass.Model.GlobalMotion;
using Glass.Model.Layers;
using Glass.Model.LocalMotion;
using Glass.Runtime;
using TorchSharp;
using Xunit;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

public class NetworkShapeTests
{
    public NetworkShapeTests() => InitializeTorch();

    static long[] Dims(params long[] s) => s;

    [Fact]
    public void LayersKeepTheReferenceShapes()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 8, 12, 16);
        Assert.Equal(Dims(2, 16, 6, 8), new SameBlock(8, 16, 2).forward(x).shape);
        Assert.Equal(Dims(2, 16, 12, 16), new ResidualBlock(8, 16).forward(x).shape);
        Assert.Equal(Dims(2, 8, 6, 8), new ResidualBlock(8, 8, 2).forward(x).shape);
        Assert.Equal(Dims(2, 4, 24, 32), new UpBlock(8, 4).forward(x).shape);
        Assert.Equal(Dims(2, 3, 12, 16), new FinalBlock(8, 3, 7).forward(x).shape);
        Assert.Equal(Dims(2, 5, 6, 8), new ModulatedConvBlock(8, 5, 3, 2).forward(x, randn(2, 3)).shape);
        var lstm = new ConvLstm(8 + 3, 6, 12, 16);
        var (h, c) = lstm.Step([x, randn(2, 3)], lstm.InitialState(2));
        Assert.Equal(Dims(2, 6, 12, 16), h.shape);
        Assert.Equal(Dims(2, 6, 12, 16), c.shape);
        Assert.Equal(Dims(6, 2, 8, 12, 16), TensorFolder.Fold(TensorFolder.Flatten(randn(new long[] { 6, 2, 8, 12, 16 })), 2).shape);
    }

    [Fact]
    public void PooledConvolutionIsConvolutionThenAveragePooling()
    {
        using var scope = NewDisposeScope();
        foreach (long size in new long[] { 8, 7 })
        {
            var x = randn(new long[] { 2, 5, size, size + 2 }, dtype: float64);
            var w1 = randn(new long[] { 4, 5, 3, 3 }, dtype: float64).requires_grad_();
            var w2 = w1.detach().clone().requires_grad_();
            var expected = nn.functional.avg_pool2d(nn.functional.conv2d(x, w1, padding: [1, 1]), 2);
            var actual = PooledConvolution.Conv3x3AvgPool2(x, w2);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-12));
            expected.square().sum().backward();
            actual.square().sum().backward();
            Assert.True(w2.grad!.allclose(w1.grad!, rtol: 0, atol: 1e-10));
        }
    }

    [Fact]
    public void ZeroShiftIsIdentityAndWholePixelShiftMovesContent()
    {
        using var scope = NewDisposeScope();
        var img = rand(new long[] { 1, 3, 8, 10 });
        var same = SpatialTransform.Shift(img, zeros(1, 2), GridSamplePaddingMode.Border);
        Assert.True(same.allclose(img, rtol: 0, atol: 1e-6));
        // dx = 2/W normalised = one pixel to the right; zeros padding enters on the left.
        var moved = SpatialTransform.Shift(img, tensor(new float[] { 2f / 10, 0 }).reshape(1, 2), GridSamplePaddingMode.Zeros);
        Assert.True(moved[.., .., .., 1..].allclose(img[.., .., .., ..^1], rtol: 0, atol: 1e-5));
        Assert.Equal(0, moved[.., .., .., 0].abs().max().item<float>(), 5);
    }

    public static TheoryData<bool> PaperAndSmall => new() { true, false };

    [Theory]
    [MemberData(nameof(PaperAndSmall))]
    public void EachNetworkHasTheDocumentedShapes(bool paper)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var config = paper ? new ModelConfig() : SmallConfig();
        var model = Build(config);
        model.eval();
        var las = config.ActionSeparator;
        long h = paper ? 96 : SmallHeight, w = paper ? 128 : SmallWidth, sh = h / 8, sw = w / 8;
        long S = las.RepresentationNetwork.OutChannels, s = las.StateCompressor.OutChannels, hid = las.DynamicsNetwork.HiddenStateSize;
        var frames = Frames(1, 2, h, w);

        var masks = model.Segment(frames);
        Assert.Equal(Dims(1, 2, 1, h, w), masks.shape);
        Assert.True(masks.min().item<float>() >= 0 && masks.max().item<float>() <= 1);
        var inpainted = model.InpaintingNetwork.Forward(frames, masks, enlargeMasks: true);
        Assert.Equal(Dims(1, 2, 3, h, w), inpainted.InpaintedBackgrounds.shape);
        Assert.Equal(Dims(1, 2, 3, h, w), inpainted.PatchedBackgrounds.shape);
        Assert.Equal(Dims(1, 1, 2), model.ForegroundMotion.forward(cat([frames[.., ..1], frames[.., 1..]], 2)).shape);

        var sep = model.LocalActionSeparator;
        var (states, attention) = sep.Encode(frames[.., 0]);
        Assert.Equal(Dims(1, S, sh, sw), states.shape);
        Assert.Equal(Dims(1, 1, sh, sw), attention.shape);
        var compressed = sep.Compress(states);
        Assert.Equal(Dims(1, s, sh, sw), compressed.shape);
        var actions = sep.Actions.Forward(states, attention, states, attention, 0.4);
        Assert.Equal(Dims(1, las.ActionNetwork.ActionSpaceDimension), actions.Codes.shape);
        Assert.Equal(Dims(1), actions.Ids.shape);
        var (next, memory) = sep.Dynamics.Step(compressed, actions.Codes, zeros(1, 2), sep.Dynamics.InitialMemory(1));
        Assert.Equal(Dims(1, hid, sh, sw), next.shape);
        Assert.Equal(3, memory.Layers.Count);
        Assert.Equal(Dims(1, 2 * hid, sh / 2, sw / 2), memory.Layers[1].Hidden.shape);
        var rendered = sep.Rendering.Forward(next);
        Assert.Equal(Dims(1, 3, h, w), rendered.Foregrounds[0].shape);
        Assert.Equal(Dims(1, 3, h / 2, w / 2), rendered.Foregrounds[1].shape);
        Assert.Equal(Dims(1, 3, h / 4, w / 4), rendered.Foregrounds[2].shape);
        Assert.Equal(Dims(1, 1, h, w), rendered.Masks.shape);
    }

    [Fact]
    public void ForwardReturnsEveryOutputWithItsShape()
    {
        using var scope = NewDisposeScope();
        var config = SmallConfig();
        var model = Build(config);
        long b = 2, t = 4, h = SmallHeight, w = SmallWidth;
        using var o = model.Forward(Frames(b, t), numGroundTruthObservations: 2, gumbelTemperature: 0.4, outputGenerated: true);
        foreach (var x in new[] { o.Observations, o.Foregrounds, o.Backgrounds, o.PatchedBackgrounds, o.InpaintedBackgrounds })
            Assert.Equal(Dims(b, t, 3, h, w), x.shape);
        Assert.Equal(Dims(b, t, 1, h, w), o.Masks.shape);
        foreach (var x in new[] { o.ShiftedBackgrounds, o.TransformedForegrounds, o.ReconstructedObservations, o.GeneratedObservations, o.ReconstructedForegrounds[0] })
            Assert.Equal(Dims(b, t - 1, 3, h, w), x.shape);
        Assert.Equal(Dims(b, t - 1, 3, h / 2, w / 2), o.ReconstructedForegrounds[1].shape);
        Assert.Equal(Dims(b, t - 1, 3, h / 4, w / 4), o.ReconstructedForegrounds[2].shape);
        Assert.Equal(Dims(b, t - 1, 1, h, w), o.TransformedMasks.shape);
        Assert.Equal(Dims(b, t - 1, 1, h, w), o.ReconstructedMasks.shape);
        Assert.Equal(Dims(b, t - 1, 2), o.GlobalActions.shape);
        Assert.Equal(Dims(b, t - 1, 2), o.BackgroundShifts.shape);
        Assert.Equal(Dims(b, t, 8, 4, 6), o.LocalStates.shape);
        Assert.Equal(Dims(b, t - 1, 8, 4, 6), o.ReconstructedLocalStates.shape);
        Assert.Equal(Dims(b, t - 1), o.LocalActionIds.shape);
        Assert.Equal(ScalarType.Int64, o.LocalActionIds.dtype);
        Assert.Empty(o.LocalActionVqLoss.shape);
        Assert.Null(o.LocalActionProbabilities);
    }

    [Fact]
    public void GradientsFlowAsInTheReference()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig());
        model.train();
        using var o = model.Forward(Frames(2, 3), 1, 0.4, outputGenerated: true);
        Assert.False(o.GeneratedObservations.requires_grad); // the generated path runs under no_grad
        // Local motion sees detached inputs: its losses do not reach the masking network.
        (o.ReconstructedForegrounds[0].mean() + o.LocalActionVqLoss + o.ReconstructedLocalStates.mean()).backward();
        var masking = model.MaskingNetwork.parameters().ToList();
        Assert.All(masking, p => Assert.True(p.grad is null || p.grad.abs().sum().item<float>() == 0));
        Assert.Contains(model.LocalActionSeparator.Rendering.parameters(), p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);
        model.zero_grad();
        o.ReconstructedObservations.mean().backward();
        Assert.Contains(masking, p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);
        Assert.Contains(model.BackgroundMotion.parameters(), p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void BadInputsAreOneLineErrors()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig());
        var e = Assert.Throws<GlassException>(() => model.Forward(Frames(1, 3, 64, 64), 1, 0.4));
        Assert.Contains("48x32", e.Message);
        Assert.Throws<GlassException>(() => model.Forward(Frames(1, 3), 3, 0.4));
        Assert.Throws<GlassException>(() => model.Forward(Frames(1, 1), 1, 0.4));
        var bad = SmallConfig(c => c.ActionSeparator.DynamicsNetwork.StateSize = 5);
        var e2 = Assert.Throws<GlassException>(() => new GlassModel(bad));
        Assert.Contains("model.action_separator.dynamics_network.state_size", e2.Message);
    }
}
