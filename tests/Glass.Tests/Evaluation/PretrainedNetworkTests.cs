using Glass.Checkpoints;
using Glass.Evaluation;
using Glass.Evaluation.Networks;
using Glass.IO;
using Glass.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Evaluation;

/// <summary>The metric networks load weight files in the published layouts (written here from randomly initialised
/// networks, in the zip format and in the legacy torch.save format of the published files) and reproduce the
/// saved network's outputs; files of another network fail with a message naming the expected layout.</summary>
public class PretrainedNetworkTests : IDisposable
{
    readonly string dir = TestPaths.NewTempDir("glass-eval-nets");

    public PretrainedNetworkTests() => TorchRuntime.Initialize();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void LegacyStateDictFilesAreRead()
    {
        var a = randn(3, 4, generator: new Generator(1));
        var b = arange(10, dtype: int64);
        var scalar = tensor(2.5f);
        var path = Path.Combine(dir, "legacy.pth");
        LegacyTorchSave.Write(path, [
            new("a", a), new("b", b), new("s", scalar),
            new("a_tail", a.flatten().narrow(0, 4, 8).reshape(2, 4), SharedStorageOf: "a", StorageOffset: 4),
        ]);
        var read = StateDictFile.Read(path);
        Assert.Equal(4, read.Count);
        Assert.True(read["a"].eq(a).all().item<bool>());
        Assert.True(read["b"].eq(b).all().item<bool>());
        Assert.Equal(2.5f, read["s"].item<float>());
        Assert.Equal(new long[] { 2, 4 }, read["a_tail"].shape);
        Assert.True(read["a_tail"].eq(a.flatten().narrow(0, 4, 8).reshape(2, 4)).all().item<bool>());
    }

    [Fact]
    public void UnreadableFilesGiveOneLineErrors()
    {
        var garbage = Path.Combine(dir, "garbage.pth");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.Contains("not a readable PyTorch state_dict", Assert.Throws<GlassException>(() => StateDictFile.Read(garbage)).Message);
        Assert.Contains("does not exist", Assert.Throws<GlassException>(() => StateDictFile.Read(Path.Combine(dir, "none.pth"))).Message);
    }

    [Fact]
    public void LpipsAlexNetFromLinearLayersAndTorchvisionBackbone()
    {
        var original = new Lpips(LpipsBackbone.AlexNet);
        var state = original.state_dict();
        // The published layout: lpips' weights/v0.1/alex.pth (legacy format, lin layers only) and torchvision's
        // alexnet state_dict (features.* and the classifier we do not use).
        var linFile = Path.Combine(dir, "alex.pth");
        LegacyTorchSave.Write(linFile, state.Where(p => p.Key.StartsWith("lin")).Select(p => new LegacyTorchSave.Entry(p.Key, p.Value)));
        var backboneFile = Path.Combine(dir, "alexnet.pth");
        var backbone = state.Where(p => p.Key.StartsWith("features")).ToDictionary(p => p.Key, p => p.Value);
        backbone["classifier.1.weight"] = randn(8, 4);
        PyTorchPickler.PickleStateDict(backboneFile, backbone);

        var loaded = Lpips.Load(linFile, backboneFile, CPU);
        Assert.Equal(LpipsBackbone.AlexNet, loaded.Backbone);
        var (x, y) = ImagePair(64, 64);
        var expected = original.call(x, y);
        Assert.True(allclose(loaded.call(x, y), expected, rtol: 1e-5, atol: 1e-6));
        Assert.False(allclose(new Lpips(LpipsBackbone.AlexNet).call(x, y), expected, rtol: 1e-3, atol: 1e-5));
        Assert.Equal(0f, loaded.call(x, x).abs().max().item<float>(), 6);
        // [0, 1] inputs (the reference's normalize=True) give the distance of the [-1, 1] images
        Assert.True(allclose(loaded.Distance01((x + 1) / 2, (y + 1) / 2), expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void LpipsVggFromAFullLpipsStateDict()
    {
        var original = new Lpips(LpipsBackbone.Vgg16);
        // lpips.LPIPS(net='vgg').state_dict(): net.sliceK.N.* for the backbone, lin layers under two names, the scaling buffers.
        int[] sliceEnds = [4, 9, 16, 23, 30];
        var full = new Dictionary<string, Tensor>();
        foreach (var (key, value) in original.state_dict())
        {
            if (key.StartsWith("features"))
            {
                var parts = key.Split('.');
                int index = int.Parse(parts[1]);
                full[$"net.slice{Array.FindIndex(sliceEnds, e => index < e) + 1}.{index}.{parts[2]}"] = value;
            }
            else
            {
                full[key] = value;
                full["lins." + key[3..]] = value;
            }
        }
        full["scaling_layer.shift"] = tensor(new[] { -.030f, -.088f, -.188f }).reshape(1, 3, 1, 1);
        var file = Path.Combine(dir, "lpips_vgg_full.pth");
        PyTorchPickler.PickleStateDict(file, full);

        var loaded = Lpips.Load(file, null, CPU);
        Assert.Equal(LpipsBackbone.Vgg16, loaded.Backbone);
        var (x, y) = ImagePair(48, 40);
        Assert.True(allclose(loaded.call(x, y), original.call(x, y), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void WrongNetworkFilesNameTheExpectedLayout()
    {
        var alex = new Lpips(LpipsBackbone.AlexNet).state_dict();
        var linFile = Path.Combine(dir, "alex_lin.pth");
        PyTorchPickler.PickleStateDict(linFile, alex.Where(p => p.Key.StartsWith("lin")).ToDictionary(p => p.Key, p => p.Value));
        var vggFile = Path.Combine(dir, "vgg16.pth");
        PyTorchPickler.PickleStateDict(vggFile, new Lpips(LpipsBackbone.Vgg16).state_dict().Where(p => p.Key.StartsWith("features")).ToDictionary(p => p.Key, p => p.Value));

        var noBackboneError = Assert.Throws<GlassException>(() => Lpips.Load(linFile, null, CPU));
        var noBackbone = noBackboneError.Message;
        Assert.Contains("LPIPS with a torchvision AlexNet backbone", noBackbone);
        Assert.Equal(GlassInput.LpipsBackbone, noBackboneError.Remedy);
        var wrongBackbone = Assert.Throws<GlassException>(() => Lpips.Load(linFile, vggFile, CPU)).Message;
        Assert.Contains("wrong shape", wrongBackbone);
        Assert.Contains("'features.0.weight'", wrongBackbone + noBackbone);
        Assert.Contains("not an LPIPS weights file", Assert.Throws<GlassException>(() => Lpips.Load(vggFile, null, CPU)).Message);
        Assert.Contains("pytorch-fid's Inception-v3", Assert.Throws<GlassException>(() => FidInceptionV3.Load(linFile, CPU)).Message);
        Assert.Contains("I3D", Assert.Throws<GlassException>(() => InceptionI3d.Load(vggFile, CPU)).Message);
        Assert.All(new[] { noBackbone, wrongBackbone }, m => Assert.DoesNotContain("\n", m));
    }

    [Fact]
    public void FidInceptionLoadsItsStateDictAndGives2048Features()
    {
        var original = HeInitialised(new FidInceptionV3());
        var file = Path.Combine(dir, "pt_inception.pth");
        original.save_py(file);
        var loaded = FidInceptionV3.Load(file, CPU);
        var images = rand(new long[] { 1, 3, 40, 56 }, generator: new Generator(5));
        var expected = original.call(images);
        Assert.Equal(new long[] { 1, FidInceptionV3.FeatureDimension }, expected.shape);
        Assert.True(expected.std().item<float>() > 1e-2); // features that depend on the weights, so equality means something
        Assert.True(allclose(loaded.call(images), expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void I3dLoadsItsStateDictAndGivesKineticsLogits()
    {
        var original = HeInitialised(new InceptionI3d());
        Assert.Contains("logits.conv3d.bias", original.state_dict().Keys);
        Assert.DoesNotContain(original.state_dict().Keys, k => k.StartsWith("logits.bn"));
        Assert.Contains("Mixed_5c.b2b.bn.running_var", original.state_dict().Keys);
        var file = Path.Combine(dir, "rgb_imagenet.pt");
        original.save_py(file);
        var loaded = InceptionI3d.Load(file, CPU);
        var clips = rand(new long[] { 1, 3, InceptionI3d.MinimumFrames, 224, 224 }, generator: new Generator(9)) * 2 - 1;
        var expected = original.call(clips);
        Assert.Equal(new long[] { 1, InceptionI3d.Classes }, expected.shape);
        Assert.True(expected.std().item<float>() > 1e-2);
        Assert.True(allclose(loaded.call(clips), expected, rtol: 1e-4, atol: 1e-5));
        Assert.Contains("at least 9 frames", Assert.Throws<GlassException>(() => loaded.call(zeros(new long[] { 1, 3, 8, 224, 224 }))).Message);
    }

    /// <summary>He-normal convolutions and random BatchNorm affine parameters, so activations keep their scale
    /// through a deep network (default initialisation shrinks them to ~0, which would make any two networks agree).</summary>
    static T HeInitialised<T>(T network) where T : nn.Module
    {
        using var noGrad = no_grad();
        var generator = new Generator(42);
        foreach (var (name, p) in network.named_parameters())
        {
            if (p.dim() > 1)
            {
                long fanIn = p.shape.Skip(1).Aggregate(1L, (a, s) => a * s);
                p.copy_(randn(p.shape, generator: generator) * Math.Sqrt(2.0 / fanIn));
            }
            else if (name.EndsWith("bn.weight")) p.copy_(rand(p.shape, generator: generator) * 0.5 + 0.75);
            else p.copy_(randn(p.shape, generator: generator) * 0.1);
        }
        return network;
    }

    [Fact]
    public void TensorFlowSamePaddingPutsTheExtraElementAtTheEnd()
    {
        // size divisible by the stride: k − s in total; otherwise k − size mod s; odd totals pad one more at the end
        Assert.Equal((2L, 3L), InceptionI3d.SamePadding(224, 7, 2));
        Assert.Equal((1L, 1L), InceptionI3d.SamePadding(9, 3, 2));
        Assert.Equal((0L, 1L), InceptionI3d.SamePadding(5, 2, 2));
        Assert.Equal((1L, 1L), InceptionI3d.SamePadding(6, 3, 1));
    }

    [Fact]
    public void Tf1BilinearResizeSamplesWithoutHalfPixelCentres()
    {
        // 2 → 4 pixels: sample positions 0, 0.5, 1, 1.5 (clamped) → a, (a+b)/2, b, b
        var row = tensor(new[] { 1f, 3f }).reshape(1, 2);
        var resized = FrechetVideoDistance.ResizeBilinearTf1(row, 1, 4);
        Assert.Equal(new[] { 1f, 2f, 3f, 3f }, resized.data<float>().ToArray());
    }

    static (Tensor, Tensor) ImagePair(int h, int w) =>
        (rand(new long[] { 2, 3, h, w }, generator: new Generator(21)) * 2 - 1,
         rand(new long[] { 2, 3, h, w }, generator: new Generator(22)) * 2 - 1);
}
