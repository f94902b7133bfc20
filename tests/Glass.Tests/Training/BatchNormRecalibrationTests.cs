using Glass.Data;
using Glass.Model;
using Glass.Model.Layers;
using Glass.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Training;

public class BatchNormRecalibrationTests
{
    [Fact]
    public void RunningStatisticsBecomeThoseOfTheFinalWeightsAndWeightsStay()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var model = new GlassModel(TinySetup.Config("unused").Model);
        model.eval();
        var bn = model.MaskingNetwork.modules().OfType<BatchNorm2d>().First(); // the stem's, right after conv1
        using (no_grad()) { bn.running_mean!.fill_(7); bn.running_var!.fill_(9); }
        var weightsBefore = model.parameters().Select(p => p.detach().clone()).ToList();
        var clip = rand(new long[] { 2, 4, 3, TinySetup.Height, TinySetup.Width }) * 2 - 1;

        int layers = BatchNormRecalibration.Run(model, () => new ClipBatch { Observations = clip.clone(), Identities = zeros(2, dtype: int64), VideoNames = ["a", "b"], InitialFrames = [0, 0] }, 3, 2, 0.4, CPU);

        Assert.True(layers > 5);
        Assert.False(model.training); // mode restored
        Assert.Equal(0.1, bn.momentum);
        Assert.All(model.parameters().Zip(weightsBefore), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
        // Three identical batches: the cumulative mean is the batch mean of conv1's output per channel.
        var conv1 = model.MaskingNetwork.modules().OfType<GuardedConv2d>().First();
        using var noGrad = no_grad();
        var features = conv1.forward(clip.reshape(-1, 3, TinySetup.Height, TinySetup.Width));
        var expected = features.mean(new long[] { 0, 2, 3 });
        Assert.True(bn.running_mean!.allclose(expected, rtol: 1e-4, atol: 1e-5));
        var expectedVar = features.var(new long[] { 0, 2, 3 }, unbiased: true);
        Assert.True(bn.running_var!.allclose(expectedVar, rtol: 1e-3, atol: 1e-5));
    }
}
