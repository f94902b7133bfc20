using Glass.Model.Layers;
using Glass.Runtime;
using Glass.Training;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Training;

public class PerceptualNetworkTests
{
    public PerceptualNetworkTests() => TorchRuntime.Initialize();

    [Fact]
    public void VggSlicesHaveTheReferenceShapes()
    {
        using var vgg = new Vgg19();
        using var x = rand(2, 3, 96, 128) * 2 - 1;
        var f = vgg.call(x);
        Assert.Equal(new long[] { 2, 64, 96, 128 }, f[0].shape);
        Assert.Equal(new long[] { 2, 128, 48, 64 }, f[1].shape);
        Assert.Equal(new long[] { 2, 256, 24, 32 }, f[2].shape);
        Assert.Equal(new long[] { 2, 512, 12, 16 }, f[3].shape);
        Assert.Equal(new long[] { 2, 512, 6, 8 }, f[4].shape);
        Assert.All(vgg.parameters(), p => Assert.False(p.requires_grad));
    }

    /// <summary>The forward pass releases each layer's map once the next exists; the features and the gradient
    /// through them must be those of running the layers one by one and keeping every map.</summary>
    [Fact]
    public void ReleasingIntermediateMapsKeepsFeaturesAndGradients()
    {
        using var scope = NewDisposeScope();
        var vgg = new Vgg19(3);
        var x = rand(2, 3, 24, 32) * 2 - 1;
        var released = x.clone().requires_grad_();
        var kept = x.clone().requires_grad_();
        var features = vgg.call(released);
        features.Select(f => f.abs().mean()).Aggregate((a, b) => a + b).backward();

        var layers = ((nn.Module)vgg.children().Single()).children().Cast<nn.Module<Tensor, Tensor>>().ToList();
        var maps = new List<Tensor>();
        var h = kept;
        foreach (var layer in layers) maps.Add(h = layer.call(h));
        var expected = new[] { maps[1], maps[6], maps[11] };
        expected.Select(f => f.abs().mean()).Aggregate((a, b) => a + b).backward();

        Assert.Equal(3, features.Length);
        for (int i = 0; i < 3; i++) Assert.True(features[i].allclose(expected[i], rtol: 0, atol: 0), $"slice {i + 1} differs");
        Assert.True(released.grad!.allclose(kept.grad!, rtol: 1e-5, atol: 1e-7), "gradients differ");
        Assert.True(released.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void SmallImagesStopBeforeAnEmptyPool()
    {
        // The smallest renderer scale of a 64x48 model is 16x12: relu4_1 is 2x1, a fifth pool would be empty.
        using var scope = NewDisposeScope();
        using var vgg = new Vgg19();
        using var x = rand(2, 3, 12, 16) * 2 - 1;
        var f = vgg.call(x);
        Assert.Equal(4, f.Length);
        Assert.Equal(new long[] { 2, 512, 1, 2 }, f[3].shape);
        using var y = rand(2, 3, 12, 16) * 2 - 1;
        using var net = PerceptualNetwork.Create("random", null, CPU)!;
        using var loss = Losses.Perceptual(net, x.unsqueeze(0), y.unsqueeze(0));
        Assert.True(loss.item<float>() > 0);
    }

    [Fact]
    public void FewerSlicesBuildOnlyTheLayersTheyNeedAndAgreeWithTheFullNetwork()
    {
        using var scope = NewDisposeScope();
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "vgg19.pth");
        using var full = new Vgg19();
        full.save_py(path);
        using var three = PerceptualNetwork.Create("vgg", path, CPU, slices: 3)!;
        using var x = rand(1, 3, 24, 32) * 2 - 1;
        var expected = full.call(x);
        var actual = three.Features(x);
        Assert.Equal(3, actual.Length);
        for (int i = 0; i < 3; i++) Assert.True(expected[i].allclose(actual[i], 1e-5, 1e-6), $"slice {i}");
        using var small = new Vgg19(3);
        Assert.Equal(10, small.parameters().Count()); // conv1_1, conv1_2, conv2_1, conv2_2, conv3_1: weight and bias each
    }

    [Fact]
    public void LoadsATorchvisionStyleStateDict()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "vgg19.pth");
        using var source = new Vgg19();
        // A torchvision file also holds the deeper layers and the classifier; the loader ignores them.
        source.save_py(path);
        using var net = PerceptualNetwork.Create("vgg", path, CPU)!;
        using var x = rand(1, 3, 32, 32) * 2 - 1;
        var expected = source.call(x);
        var actual = net.Features(x);
        // The loaded network runs channels-last: same function, another summation order.
        for (int i = 0; i < 5; i++) Assert.True(expected[i].allclose(actual[i], rtol: 1e-4, atol: 1e-5), $"slice {i}");
        Assert.Contains(path, net.Description);
    }

    [Fact]
    public void WrongNetworkIsAClearError()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "other.pth");
        using var other = nn.Sequential(("0", nn.Conv2d(3, 8, 3)));
        other.save_py(path);
        var e = Assert.Throws<GlassException>(() => PerceptualNetwork.Create("vgg", path, CPU));
        Assert.Contains("vgg19", e.Message);
        Assert.Contains("features.0.weight", e.Message);
    }

    [Fact]
    public void MissingWeightsExplainTheChoices()
    {
        var e = Assert.Throws<GlassException>(() => PerceptualNetwork.Create("vgg", null, CPU));
        Assert.Contains("vgg_weights", e.Message);
        Assert.Contains("random", e.Message);
        Assert.Contains("off", e.Message);
        Assert.Null(PerceptualNetwork.Create("off", null, CPU));
    }

    [Fact]
    public void RandomFeaturesAreFixedAcrossCalls()
    {
        using var a = PerceptualNetwork.Create("random", null, CPU)!;
        using var b = PerceptualNetwork.Create("random", null, CPU)!;
        using var x = rand(1, 3, 16, 16);
        Assert.True(a.Features(x)[2].allclose(b.Features(x)[2]));
    }
}
