using System.Collections;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glass.Config;
using Glass.IO;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Glass.Checkpoints;

/// <summary>Which kind of file a checkpoint path holds.</summary>
public enum CheckpointFormat
{
    /// <summary>Ours: a <see cref="GlassCheckpoint"/> archive that carries its configuration.</summary>
    Glass,
    /// <summary>A <c>torch.save</c> zip file (the reference's checkpoints, or a bare state_dict).</summary>
    PyTorch,
}

/// <summary>
/// Our checkpoint file: everything needed to rebuild and resume a model, in one zip archive.
/// <list type="bullet">
/// <item><c>glass.json</c> — format name and version, step, seed, scheduler state, free metadata, and the size
/// and SHA-256 of every other entry (a damaged file is refused instead of half-loaded).</item>
/// <item><c>config.yaml</c> — the full configuration (<see cref="GlassConfig.ToYaml"/>).</item>
/// <item><c>model.pt</c> — the model's state_dict in <c>torch.save</c> format, so it is also readable by PyTorch.</item>
/// <item><c>optimizer.bin</c> (optional) — TorchSharp's optimizer state; <c>rng_state.bin</c> (optional) — torch's CPU generator state.</item>
/// </list>
/// Files are written to <c>path.tmp-PID</c> and renamed into place, so a crash never leaves a half-written checkpoint.
/// An instance owns the tensors of <see cref="ModelState"/> (CPU copies); dispose it when done.
/// </summary>
public sealed partial class GlassCheckpoint : IDisposable
{
    public const string FormatName = "glass-checkpoint";
    /// <summary>Bumped when the layout changes in a way older readers cannot follow.</summary>
    public const int FormatVersion = 1;

    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    const string MetaEntry = "glass.json";
    const string ConfigEntry = "config.yaml";
    const string ModelEntry = "model.pt";
    const string OptimizerEntry = "optimizer.bin";
    const string RngEntry = "rng_state.bin";

    /// <summary>The configuration the weights belong to (`glass export --config` replaces it by one describing the same model).</summary>
    public GlassConfig Config { get; set; }

    /// <summary>The model's state_dict (parameters and buffers), on the CPU.</summary>
    public IReadOnlyDictionary<string, Tensor> ModelState => modelState;
    readonly Dictionary<string, Tensor> modelState;

    /// <summary>Optimizer steps taken when the checkpoint was written.</summary>
    public long GlobalStep { get; set; }

    /// <summary>TorchSharp's serialized optimizer state (<see cref="OptimizerHelper.save_state_dict(BinaryWriter)"/>), or null.</summary>
    public byte[]? OptimizerState { get; set; }

    /// <summary>The optimizer's class name (e.g. "Adam"), checked when restoring.</summary>
    public string? OptimizerType { get; set; }

    /// <summary>Learning-rate scheduler state as the trainer describes it (TorchSharp schedulers expose none), or null.</summary>
    public JsonObject? SchedulerState { get; set; }

    /// <summary>The seed the run started from, or null.</summary>
    public long? Seed { get; set; }

    /// <summary>torch's default CPU generator state (<c>torch.random.get_rng_state()</c> bytes), or null.</summary>
    public byte[]? RngState { get; set; }

    /// <summary>Free-form information (run name, losses, timings, ...); must be JSON.</summary>
    public JsonObject Metadata { get; set; } = new();

    /// <summary>When the file was written (UTC); set by <see cref="Save(string)"/>.</summary>
    public DateTime? CreatedUtc { get; private set; }

    /// <summary>Wraps a state_dict; the checkpoint takes ownership of the tensors.</summary>
    public GlassCheckpoint(GlassConfig config, IDictionary<string, Tensor> modelState /* name -> tensor */)
    {
        Config = config;
        this.modelState = new Dictionary<string, Tensor>(modelState);
    }

    /// <summary>Snapshots a model (and optionally its optimizer) into a checkpoint: CPU copies of the
    /// state_dict, so training may continue while the checkpoint is written.</summary>
    public static GlassCheckpoint Capture(GlassConfig config, nn.Module model, optim.Optimizer? optimizer = null, long globalStep = 0)
    {
        var state = new Dictionary<string, Tensor>();
        using (no_grad())
            foreach (var (name, t) in model.state_dict())
            {
                using var scope = NewDisposeScope();
                state[name] = t.detach().cpu().clone().contiguous().DetachFromDisposeScope();
            }
        var checkpoint = new GlassCheckpoint(config, state) { GlobalStep = globalStep };
        if (optimizer is not null) checkpoint.CaptureOptimizer(optimizer);
        return checkpoint;
    }

    /// <summary>Stores the optimizer's state (Adam moments, step counts, learning rates).</summary>
    public void CaptureOptimizer(optim.Optimizer optimizer)
    {
        if (optimizer is not OptimizerHelper helper)
            throw new ArgumentException($"optimizer {optimizer.GetType().Name} cannot be serialized (only TorchSharp's managed optimizers can)");
        MakeStateContiguous(helper);
        using var ms = new MemoryStream();
        using (var writer = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) helper.save_state_dict(writer);
        OptimizerState = ms.ToArray();
        OptimizerType = optimizer.GetType().Name;
    }

    /// <summary>TorchSharp serializes optimizer state byte-wise, which needs contiguous tensors; Adam's
    /// moments inherit the channels-last layout of the conv weights, so they are re-laid out here
    /// (same values; the live optimizer keeps using the new tensors).</summary>
    static void MakeStateContiguous(OptimizerHelper optimizer)
    {
        static Tensor? Contiguous(Tensor? t)
        {
            if (t is null || t.is_contiguous()) return t;
            var copy = t.contiguous().DetachFromDisposeScope();
            t.Dispose(); // the state held the only reference
            return copy;
        }
        foreach (var state in optimizer.state_dict().State)
            if (state is Adam.State adam)
            {
                adam.exp_avg = Contiguous(adam.exp_avg)!;
                adam.exp_avg_sq = Contiguous(adam.exp_avg_sq)!;
                adam.max_exp_avg_sq = Contiguous(adam.max_exp_avg_sq)!;
            }
    }

    /// <summary>Stores torch's CPU generator state and the run's seed.</summary>
    public void CaptureRng(long? seed)
    {
        Seed = seed;
        using var state = random.get_rng_state();
        RngState = state.bytes.ToArray();
    }

    /// <summary>Loads the stored optimizer state into an optimizer built over the same parameters.</summary>
    public void RestoreOptimizer(optim.Optimizer optimizer, string sourceName = "checkpoint")
    {
        if (OptimizerState is null) throw new GlassException($"{sourceName}: holds no optimizer state (it was saved without one); start the optimizer fresh");
        if (optimizer is not OptimizerHelper helper || optimizer.GetType().Name != OptimizerType)
            throw new GlassException($"{sourceName}: optimizer state is for {OptimizerType}, not {optimizer.GetType().Name}");
        try
        {
            MakeStateContiguous(helper);
            using var reader = new BinaryReader(new MemoryStream(OptimizerState));
            helper.load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
        {
            throw new GlassException($"{sourceName}: optimizer state does not fit this model's parameters ({e.Message})", e);
        }
    }

    /// <summary>Restores torch's CPU generator state; false when none was stored.</summary>
    public bool RestoreRng()
    {
        if (RngState is null) return false;
        using var state = tensor(RngState, dtype: ScalarType.Byte);
        random.set_rng_state(state);
        return true;
    }

    public void Dispose()
    {
        foreach (var t in modelState.Values) t.Dispose();
        modelState.Clear();
    }

    // ---------------------------------------------------------------- writing

    /// <summary>Writes the checkpoint atomically (temp file + rename).</summary>
    public void Save(string path)
    {
        CreatedUtc = DateTime.UtcNow;
        Write(path, Config, modelState, this);
    }

    /// <summary>Writes a checkpoint straight from a live model without copying its weights first.</summary>
    public static void Save(string path, GlassConfig config, nn.Module model, optim.Optimizer? optimizer = null, long globalStep = 0,
        long? seed = null, JsonObject? schedulerState = null, JsonObject? metadata = null, bool saveRng = true)
    {
        using var scope = NewDisposeScope();
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, t) in model.state_dict()) state[name] = t.detach().cpu().contiguous();
        // The wrapper only borrows the tensors: it is not disposed, the scope releases the aliases.
        var info = new GlassCheckpoint(config, new Dictionary<string, Tensor>())
        {
            GlobalStep = globalStep,
            SchedulerState = schedulerState,
            Metadata = metadata ?? new JsonObject(),
            CreatedUtc = DateTime.UtcNow,
        };
        if (optimizer is not null) info.CaptureOptimizer(optimizer);
        if (saveRng) info.CaptureRng(seed);
        else info.Seed = seed;
        Write(path, config, state, info);
    }

    /// <summary>Writes only the model weights as a flat state_dict that PyTorch loads with
    /// <c>model.load_state_dict(torch.load(path))</c>; atomic like <see cref="Save(string)"/>.</summary>
    public void ExportStateDict(string path) =>
        AtomicFile.Write(path, "state_dict", stream => PyTorchPickler.PickleStateDict(stream, new Hashtable(modelState), leaveOpen: true));

    static void Write(string path, GlassConfig config, IReadOnlyDictionary<string, Tensor> state, GlassCheckpoint info)
    {
        var configYaml = Encoding.UTF8.GetBytes(config.ToYaml());
        AtomicFile.Write(path, "checkpoint", stream =>
        {
            var entries = new JsonObject();
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            AddEntry(zip, entries, ConfigEntry, configYaml, CompressionLevel.Optimal);
            using (var model = new MemoryStream())
            {
                var dict = new Hashtable();
                foreach (var (name, t) in state)
                {
                    if (t.device_type != DeviceType.CPU || !t.is_contiguous())
                        throw new InvalidOperationException($"state tensor {name} must be a contiguous CPU tensor");
                    dict[name] = t;
                }
                PyTorchPickler.PickleStateDict(model, dict, leaveOpen: true);
                AddEntry(zip, entries, ModelEntry, model.ToArray(), CompressionLevel.NoCompression);
            }
            if (info.OptimizerState is { } opt) AddEntry(zip, entries, OptimizerEntry, opt, CompressionLevel.NoCompression);
            if (info.RngState is { } rng) AddEntry(zip, entries, RngEntry, rng, CompressionLevel.Optimal);
            var meta = new JsonObject
            {
                ["format"] = FormatName,
                ["version"] = FormatVersion,
                ["glass_version"] = typeof(GlassCheckpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                ["created_utc"] = (info.CreatedUtc ?? DateTime.UtcNow).ToString("O"),
                ["global_step"] = info.GlobalStep,
                ["seed"] = info.Seed,
                ["optimizer_type"] = info.OptimizerType,
                ["scheduler"] = info.SchedulerState?.DeepClone(),
                ["metadata"] = info.Metadata.DeepClone(),
                ["entries"] = entries,
            };
            // Written last: a reader that finds it knows every entry it lists was completed.
            AddEntry(zip, null, MetaEntry, JsonSerializer.SerializeToUtf8Bytes(meta, Indented), CompressionLevel.Optimal);
        });
    }

    static void AddEntry(ZipArchive zip, JsonObject? entries, string name, byte[] bytes, CompressionLevel level)
    {
        using (var s = zip.CreateEntry(name, level).Open()) s.Write(bytes);
        if (entries is not null)
            entries[name] = new JsonObject { ["size"] = bytes.LongLength, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
    }
}
