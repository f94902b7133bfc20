using Glass.Model;
using Glass.Training;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Training;

// The second test compares two forward passes that draw from torch's global generator in the same order.
[Collection(nameof(GlobalTorchRandom))]
public class FrozenMaskCacheTests
{
    static GlassModel FrozenModel(int seed)
    {
        random.manual_seed(seed);
        var model = new GlassModel(TinySetup.Config("unused").Model);
        model.train(); // the cache must put global motion in eval mode itself
        return model;
    }

    static Tensor EvalMasks(GlassModel model, Tensor frames /* (B, T, 3, H, W) */)
    {
        foreach (var m in model.GlobalMotionNetworks) m.eval();
        using var noGrad = no_grad();
        return model.Segment(frames);
    }

    [Fact]
    public void MasksAreTheFrozenNetworksAndAreComputedOncePerFrame()
    {
        using var scope = NewDisposeScope();
        var model = FrozenModel(11);
        // Two videos of 8 frames; clips of 3 frames with one frame skipped between them (frame stride 2).
        var videos = new Dictionary<string, Tensor>
        {
            ["a"] = rand(8, 3, TinySetup.Height, TinySetup.Width) * 2 - 1,
            ["b"] = rand(8, 3, TinySetup.Height, TinySetup.Width) * 2 - 1,
        };
        Tensor Clips(string[] names, int[] starts) => stack(names.Zip(starts).Select(p =>
            videos[p.First].index_select(0, tensor(new long[] { p.Second, p.Second + 2, p.Second + 4 }))).ToArray());
        var cache = new FrozenMaskCache(skipFrames: 1);

        // Clips a@0 (frames 0, 2, 4) and a@2 (2, 4, 6) overlap: 4 distinct frames of a, 3 of b.
        string[] names = ["a", "a", "b"];
        int[] starts = [0, 2, 1];
        var clips = Clips(names, starts);
        var masks = cache.Masks(model, clips, names, starts);
        Assert.Equal(new long[] { 3, 3, 1, TinySetup.Height, TinySetup.Width }, masks.shape);
        Assert.Equal(7, cache.Frames);
        Assert.False(model.MaskingNetwork.training);
        var expected = EvalMasks(model, clips);
        double error = (masks - expected).abs().max().item<float>();
        Assert.True(error <= 1e-5, $"cached masks differ from the frozen network's by {error}");

        // Changed weights: frames already met keep their cached masks (no recomputation); new frames use the new weights.
        using (no_grad()) foreach (var p in model.MaskingNetwork.parameters()) p.add_(randn_like(p) * 0.5);
        string[] next = ["a", "b"];
        int[] nextStarts = [2, 3]; // a: 2, 4, 6 cached; b: 3 and 5 cached, 7 new
        var nextClips = Clips(next, nextStarts);
        var again = cache.Masks(model, nextClips, next, nextStarts);
        Assert.Equal(8, cache.Frames);
        Assert.True(again[0].equal(masks[1]).all().item<bool>(), "a cached frame was recomputed");
        Assert.True(again[1, ..2].equal(masks[2, 1..]).all().item<bool>(), "a cached frame was recomputed");
        var fresh = EvalMasks(model, nextClips)[1, 2];
        Assert.True((again[1, 2] - fresh).abs().max().item<float>() <= 1e-5, "a new frame did not use the current weights");
    }

    [Fact]
    public void TheLocalStageOnGivenMasksIsTheForwardPassesLocalPart()
    {
        using var scope = NewDisposeScope();
        var config = TinySetup.Config("unused");
        var model = FrozenModel(12);
        var clips = rand(new long[] { 2, 4, 3, TinySetup.Height, TinySetup.Width }) * 2 - 1;
        var masks = EvalMasks(model, clips);

        model.train();
        foreach (var m in model.GlobalMotionNetworks) m.eval();
        random.manual_seed(3);
        var reference = model.Forward(clips, 2, 0.4);
        var expected = LossTerms.Compute(reference, config.Training, null, gmaOnly: false);
        random.manual_seed(3);
        var staged = TrainingStep.Forward(model, clips, 2, 0.4, staged: true, gmaOnly: false, frozenMasks: masks);
        var losses = TrainingStep.Losses(staged, config.Training, null, gmaOnly: false);

        Assert.Null(staged.Global);
        foreach (var (name, value) in losses.Terms)
        {
            double a = value.item<float>(), b = expected.Terms[name].item<float>();
            Assert.True(Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Abs(b)), $"{name}: {a} on given masks, {b} in the frozen forward pass");
        }
        Assert.True(staged.LocalMotion!.ActionIds.equal(reference.LocalActionIds).all().item<bool>());
        Assert.False(staged.Local!.Foregrounds.requires_grad); // no gradient into the frozen global motion
    }
}
