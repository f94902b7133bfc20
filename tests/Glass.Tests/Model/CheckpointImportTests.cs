using System.Collections;
using Glass.Checkpoints;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

public class CheckpointImportTests
{
    public CheckpointImportTests() => InitializeTorch();

    static Hashtable StateOf(GlassModel model, Func<string, string>? rename = null)
    {
        var h = new Hashtable();
        foreach (var (k, v) in model.state_dict()) h[(rename ?? (x => x))(k)] = v.detach().contiguous();
        return h;
    }

    static string Write(Hashtable root)
    {
        var path = Path.Combine(TestPaths.NewTempDir("glass-model"), "ckpt.pt");
        using var f = File.Create(path);
        PyTorchPickler.PickleStateDict(f, root, leaveOpen: true);
        return path;
    }

    static void AssertSameWeights(GlassModel a, GlassModel b)
    {
        var sb = b.state_dict();
        foreach (var (k, v) in a.state_dict())
            Assert.True(v.eq(sb[k]).all().item<bool>(), k);
    }

    [Fact]
    public void ExportThenImportRoundTripsEveryTensorExactly()
    {
        using var scope = NewDisposeScope();
        var source = Build(SmallConfig(), seed: 1);
        using (no_grad()) foreach (var (_, t) in source.state_dict()) if (t.is_floating_point()) t.add_(rand_like(t));
        var path = Path.Combine(TestPaths.NewTempDir("glass-model"), "export.pt");
        PyTorchCheckpoint.Save(source, path);
        Assert.False(File.Exists($"{path}.tmp-{Environment.ProcessId}"));
        var target = Build(SmallConfig(), seed: 2);
        using var contents = PyTorchCheckpoint.Load(target, path);
        AssertSameWeights(source, target);
        // The export is a flat state_dict with contiguous tensors (what torch.load + load_state_dict expects).
        var raw = PyTorchUnpickler.UnpickleStateDict(path);
        Assert.Equal(source.state_dict().Count, raw.Count);
        Assert.All(raw.Values.Cast<Tensor>(), t => Assert.True(t.is_contiguous()));
        Assert.Equal(ScalarType.Int64, ((Tensor)raw["masking_network.backbone.bn1.num_batches_tracked"]!).dtype);
    }

    [Fact]
    public void TrainerLayoutWithDdpPrefixLoadsAndSkipsOptimizer()
    {
        using var scope = NewDisposeScope();
        var source = Build(SmallConfig(), seed: 3);
        var optimizer = new Hashtable { ["state"] = new Hashtable { [0] = new Hashtable { ["exp_avg"] = zeros(3) } }, ["param_groups"] = new ArrayList { new Hashtable { ["lr"] = 0.0004 } } };
        var path = Write(new Hashtable
        {
            ["model"] = StateOf(source, k => "module." + k),
            ["optimizer"] = optimizer,
            ["lr_scheduler"] = new Hashtable { ["last_epoch"] = 12 },
            ["global_step"] = 12,
        });
        var target = Build(SmallConfig(), seed: 4);
        using var contents = PyTorchCheckpoint.Load(target, path);
        Assert.Equal(12L, contents.GlobalStep);
        AssertSameWeights(source, target);
    }

    [Fact]
    public void MismatchListsMissingUnexpectedAndMisShapedKeys()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig());
        var state = StateOf(model);
        state.Remove("inpainting_network.inpainting_network_up.4.bn1.weight");
        state["extra.weight"] = zeros(2);
        state["masking_network.backbone.conv1.weight"] = zeros(5, 3, 3, 3);
        var path = Write(state);
        var e = Assert.Throws<GlassException>(() => PyTorchCheckpoint.Load(Build(SmallConfig()), path));
        Assert.Contains(path, e.Message);
        Assert.Contains("1 missing: inpainting_network.inpainting_network_up.4.bn1.weight", e.Message);
        Assert.Contains("1 unexpected: extra.weight", e.Message);
        Assert.Contains("1 mis-shaped: masking_network.backbone.conv1.weight (checkpoint [5, 3, 3, 3], model [8, 3, 3, 3])", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void PaperCheckpointDoesNotLoadIntoAnotherConfiguration()
    {
        var e = Assert.Throws<GlassException>(() =>
            PyTorchCheckpoint.Load(Build(SmallConfig()), Path.Combine(TestPaths.ReferenceSeed1, "checkpoint.pt")));
        Assert.Contains("mis-shaped", e.Message);
        Assert.Contains("(", e.Message);
    }

    [Fact]
    public void UnreadableFilesAreOneLineErrors()
    {
        var dir = TestPaths.NewTempDir("glass-model");
        var missing = Assert.Throws<GlassException>(() => PyTorchCheckpoint.Read(Path.Combine(dir, "nope.pt")));
        Assert.Contains("not found", missing.Message);
        var junk = Path.Combine(dir, "junk.pt");
        File.WriteAllText(junk, "not a checkpoint");
        var bad = Assert.Throws<GlassException>(() => PyTorchCheckpoint.Read(junk));
        Assert.Contains(junk, bad.Message);
        var notState = Write(new Hashtable { ["weights"] = new Hashtable { ["a"] = 1 }, ["epoch"] = 3 });
        Assert.Contains("\"model\"", Assert.Throws<GlassException>(() => PyTorchCheckpoint.Read(notState)).Message);
    }
}
