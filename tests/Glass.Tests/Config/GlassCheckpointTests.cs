using System.Collections;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Glass.Checkpoints;
using Glass.Config;
using Glass.IO;
using Glass.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Config;

public class GlassCheckpointTests
{
    public GlassCheckpointTests() => TorchRuntime.Initialize();

    /// <summary>A small module with parameters and buffers (BatchNorm running stats, an int64 counter).</summary>
    static nn.Module<Tensor, Tensor> TinyModel(long seed)
    {
        random.manual_seed(seed);
        return nn.Sequential(("fc", nn.Linear(4, 8)), ("bn", nn.BatchNorm1d(8)), ("act", nn.Tanh()), ("out", nn.Linear(8, 2)));
    }

    static void TrainStep(nn.Module<Tensor, Tensor> model, optim.Optimizer opt, long seed)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        var x = rand(16, 4, generator: g);
        opt.zero_grad();
        model.forward(x).pow(2).mean().backward();
        opt.step();
    }

    static void AssertSameState(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (k, v) in expected)
        {
            Assert.Equal(v.dtype, actual[k].dtype);
            Assert.Equal(v.shape, actual[k].shape);
            Assert.True(v.cpu().eq(actual[k].cpu()).all().item<bool>(), k);
        }
    }

    static GlassConfig SmallConfig()
    {
        var c = new GlassConfig { Name = "tiny" };
        c.Model.ActionSeparator.ActionNetwork.NumActions = 3;
        c.Model.ActionSeparator.DynamicsNetwork.NumActions = 3;
        return c;
    }

    [Fact]
    public void RoundTripCarriesEverythingAndResumesExactly()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "run.glass");
        var model = TinyModel(1);
        var opt = optim.Adam(model.parameters(), lr: 1e-2);
        TrainStep(model, opt, 10);
        var config = SmallConfig();
        using (var ck = GlassCheckpoint.Capture(config, model, opt, globalStep: 1))
        {
            ck.Seed = 42;
            ck.SchedulerState = new JsonObject { ["type"] = "MultiStepLR", ["last_epoch"] = 1 };
            ck.Metadata["loss"] = 0.25;
            ck.Save(path);
        }

        // Continue the original run for one more step.
        TrainStep(model, opt, 11);

        using var read = GlassCheckpoint.Read(path);
        Assert.Equal(config.ToYaml(), read.Config.ToYaml());
        Assert.Equal(1, read.GlobalStep);
        Assert.Equal(42, read.Seed);
        Assert.Equal("Adam", read.OptimizerType);
        Assert.Equal(1, (int)read.SchedulerState!["last_epoch"]!);
        Assert.Equal(0.25, (double)read.Metadata["loss"]!);
        Assert.NotNull(read.CreatedUtc);
        Assert.Contains("bn.num_batches_tracked", read.ModelState.Keys);
        Assert.Equal(ScalarType.Int64, read.ModelState["bn.num_batches_tracked"].dtype);

        // A fresh model + optimizer restored from the file takes exactly the same next step.
        var resumed = TinyModel(99);
        resumed.load_state_dict(read.ModelState.ToDictionary(kv => kv.Key, kv => kv.Value), strict: true);
        var resumedOpt = optim.Adam(resumed.parameters(), lr: 1e-2);
        read.RestoreOptimizer(resumedOpt);
        TrainStep(resumed, resumedOpt, 11);
        AssertSameState(model.state_dict(), resumed.state_dict());
        Assert.False(read.RestoreRng()); // none was captured
        Assert.Equal(CheckpointFormat.Glass, GlassCheckpoint.Detect(path));
        Assert.Equal(config.ToYaml(), GlassCheckpoint.ReadConfig(path).ToYaml());
    }

    [Fact]
    public void StaticSaveFromLiveModelAndExportForPyTorch()
    {
        var dir = TestPaths.NewTempDir();
        var model = TinyModel(2);
        var path = Path.Combine(dir, "live.glass");
        GlassCheckpoint.Save(path, SmallConfig(), model, globalStep: 7, metadata: new JsonObject { ["note"] = "x" });
        using var read = GlassCheckpoint.Read(path);
        Assert.Equal(7, read.GlobalStep);
        Assert.Null(read.OptimizerState);
        AssertSameState(model.state_dict(), read.ModelState);
        Assert.Throws<GlassException>(() => read.RestoreOptimizer(optim.Adam(model.parameters())));

        var exported = Path.Combine(dir, "state_dict.pt");
        read.ExportStateDict(exported);
        Assert.Equal(CheckpointFormat.PyTorch, GlassCheckpoint.Detect(exported));
        var table = PyTorchUnpickler.UnpickleStateDict(exported);
        AssertSameState(model.state_dict(), table.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!));
        // The weights inside our archive are a torch.save file too.
        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(["config.yaml", "glass.json", "model.pt", "rng_state.bin"], zip.Entries.Select(e => e.FullName).Order());
    }

    [Fact]
    public void FailedWriteKeepsThePreviousFile()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "ck.glass");
        var model = TinyModel(3);
        GlassCheckpoint.Save(path, SmallConfig(), model, globalStep: 5);
        var before = File.ReadAllBytes(path);

        // Fail in the middle of writing: the config entry is already in the archive when the
        // (disposed) weight tensor is serialized.
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        state["fc.weight"].Dispose();
        var broken = new GlassCheckpoint(SmallConfig(), state) { GlobalStep = 6 };
        Assert.ThrowsAny<Exception>(() => broken.Save(path));

        Assert.Equal(before, File.ReadAllBytes(path));
        using var read = GlassCheckpoint.Read(path);
        Assert.Equal(5, read.GlobalStep);
        Assert.Equal(["ck.glass"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void TruncatedFileIsAOneLineError()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "ck.glass");
        GlassCheckpoint.Save(path, SmallConfig(), TinyModel(4));
        var bytes = File.ReadAllBytes(path);
        foreach (var keep in new[] { bytes.Length / 2, bytes.Length - 10, 30 })
        {
            var cut = Path.Combine(dir, $"cut{keep}.glass");
            File.WriteAllBytes(cut, bytes[..keep]);
            var e = Assert.Throws<GlassException>(() => GlassCheckpoint.Read(cut));
            Assert.StartsWith($"{cut}: is truncated or damaged", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void DamagedWeightsAreRefused()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "ck.glass");
        var model = TinyModel(5);
        GlassCheckpoint.Save(path, SmallConfig(), model);
        var bytes = File.ReadAllBytes(path);
        // model.pt is stored uncompressed: find the raw bytes of the first weight and flip one.
        var weight = model.state_dict()["fc.weight"].detach().contiguous().bytes.ToArray();
        int at = bytes.AsSpan().IndexOf(weight.AsSpan(0, 16));
        Assert.True(at > 0);
        bytes[at + 3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<GlassException>(() => GlassCheckpoint.Read(path));
        Assert.Contains("damaged", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void NewerFormatVersionIsRefused()
    {
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "ck.glass");
        GlassCheckpoint.Save(path, SmallConfig(), TinyModel(6));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("glass.json")!;
            JsonObject meta;
            using (var s = entry.Open()) meta = JsonNode.Parse(s)!.AsObject();
            entry.Delete();
            meta["version"] = GlassCheckpoint.FormatVersion + 1;
            using var w = new StreamWriter(zip.CreateEntry("glass.json").Open());
            w.Write(meta.ToJsonString());
        }
        Assert.Contains($"written by a newer Glass (checkpoint format {GlassCheckpoint.FormatVersion + 1}", Assert.Throws<GlassException>(() => GlassCheckpoint.Read(path)).Message);
    }

    [Fact]
    public void ForeignFilesAreOneLineErrors()
    {
        var dir = TestPaths.NewTempDir();
        string Make(string name, byte[] bytes) { var p = Path.Combine(dir, name); File.WriteAllBytes(p, bytes); return p; }
        var text = Make("notes.txt", "hello, I am not a checkpoint"u8.ToArray());
        var empty = Make("empty.glass", []);
        var legacy = Make("legacy.pt", [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc]);
        var otherZip = Path.Combine(dir, "other.zip");
        using (var z = ZipFile.Open(otherZip, ZipArchiveMode.Create)) using (var w = new StreamWriter(z.CreateEntry("readme.txt").Open())) w.Write("hi");

        Assert.Equal($"{text}: is neither a Glass nor a PyTorch checkpoint (not a zip archive)", Assert.Throws<GlassException>(() => GlassCheckpoint.Detect(text)).Message);
        Assert.Equal($"{empty}: is empty; not a checkpoint", Assert.Throws<GlassException>(() => GlassCheckpoint.Read(empty)).Message);
        Assert.Contains("legacy (pre-1.6, non-zip) PyTorch file", Assert.Throws<GlassException>(() => GlassCheckpoint.Detect(legacy)).Message);
        Assert.Contains("is a zip archive but neither a Glass checkpoint", Assert.Throws<GlassException>(() => GlassCheckpoint.Detect(otherZip)).Message);
        Assert.Contains("checkpoint file not found", Assert.Throws<GlassException>(() => GlassCheckpoint.Read(Path.Combine(dir, "missing.glass"))).Message);
        Assert.Contains("is a folder", Assert.Throws<GlassException>(() => GlassCheckpoint.Read(dir)).Message);
    }

    [Fact]
    public void ReferenceCheckpointIsDetectedAsPyTorch()
    {
        var reference = Path.Combine(TestPaths.ReferenceSeed1, "checkpoint.pt");
        Assert.Equal(CheckpointFormat.PyTorch, GlassCheckpoint.Detect(reference));
        Assert.Contains("is a PyTorch checkpoint", Assert.Throws<GlassException>(() => GlassCheckpoint.Read(reference)).Message);
    }
}

[Collection(nameof(GlobalTorchRandom))]
public class GlassCheckpointRngTests
{
    public GlassCheckpointRngTests() => TorchRuntime.Initialize();

    [Fact]
    public void RngStateRoundTrips()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "rng.glass");
        random.manual_seed(5);
        using var model = nn.Linear(2, 2);
        GlassCheckpoint.Save(path, new GlassConfig(), model, seed: 5);
        using var expected = rand(4);
        using var other = rand(4); // move the generator on
        using var read = GlassCheckpoint.Read(path);
        Assert.Equal(5, read.Seed);
        Assert.True(read.RestoreRng());
        using var again = rand(4);
        Assert.True(expected.eq(again).all().item<bool>());
        Assert.False(expected.eq(other).all().item<bool>());
    }
}
