using Glass.Config;
using Glass.Model;
using Glass.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Checkpoints;

/// <summary>
/// The one way a trained model is loaded, with one policy for a configuration given beside the checkpoint:
/// <list type="bullet">
/// <item>our checkpoint (.glass) carries its configuration; a config given with it must describe the same model
/// (the <c>model</c> section and <c>data.input_size</c>) and then replaces the stored one, so its data, generation,
/// evaluation and runtime sections apply;</item>
/// <item>a reference PyTorch checkpoint carries none: the config it was trained with is required.</item>
/// </list>
/// <see cref="Open"/> settles the configuration without reading any tensor, so a caller can apply its runtime choices
/// (device, threads) to <see cref="Config"/> before <see cref="Load"/> builds the model and copies the weights strictly.
/// </summary>
public sealed class ModelStore
{
    ModelStore(string checkpointPath, string? configPath, CheckpointFormat format, GlassConfig config) =>
        (CheckpointPath, ConfigPath, Format, Config) = (checkpointPath, configPath, format, config);

    public string CheckpointPath { get; }
    public string? ConfigPath { get; }
    public CheckpointFormat Format { get; }

    /// <summary>The configuration the model runs with (the given one, or the checkpoint's own).</summary>
    public GlassConfig Config { get; }

    /// <summary>Settles the configuration of <paramref name="checkpointPath"/> by the policy above; reads no weights.</summary>
    public static ModelStore Open(string checkpointPath, string? configPath = null)
    {
        if (Directory.Exists(checkpointPath)) throw new GlassException($"{checkpointPath}: is a folder; give the checkpoint file") { Input = GlassInput.Checkpoint };
        if (!File.Exists(checkpointPath))
            throw new GlassException($"{checkpointPath}: checkpoint not found; train one with `glass train`") { Input = GlassInput.Checkpoint };
        var format = GlassCheckpoint.Detect(checkpointPath);
        if (configPath is null) return new ModelStore(checkpointPath, null, format, GlassCheckpoint.ReadConfig(checkpointPath)); // refuses a PyTorch file
        var given = GlassConfig.Load(configPath);
        if (format == CheckpointFormat.Glass) EnsureSameModel(given, GlassCheckpoint.ReadConfig(checkpointPath), configPath, checkpointPath);
        return new ModelStore(checkpointPath, configPath, format, given);
    }

    /// <summary>The configuration a file describes: a YAML config (.yaml, .yml), or the one a checkpoint carries.</summary>
    public static GlassConfig ConfigOf(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? GlassConfig.Load(path) : Open(path).Config;

    /// <summary>Opens and loads in one call: the configuration and the model, in eval mode on <paramref name="device"/>.</summary>
    public static (GlassConfig Config, GlassModel Model) Load(string checkpointPath, Device? device = null, string? configPath = null)
    {
        var store = Open(checkpointPath, configPath);
        return (store.Config, store.Load(device));
    }

    /// <summary>Builds the model of <see cref="Config"/> on <paramref name="device"/> (default: the config's
    /// runtime.device), copies the checkpoint's weights into it strictly and switches it to eval mode.</summary>
    public GlassModel Load(Device? device = null)
    {
        var model = new GlassModel(Config.Model, device ?? TorchRuntime.ParseDevice(Config.Runtime.Device));
        try
        {
            var source = ConfigPath is null || Format == CheckpointFormat.Glass ? CheckpointPath : $"{CheckpointPath} (with {ConfigPath})";
            LoadWeights(CheckpointPath, model, source);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>Copies the weights of a checkpoint of either format into <paramref name="model"/> (strict names and
    /// shapes): loading a trained model, or a fine-tuning run's initial weights.</summary>
    public static void LoadWeights(string checkpointPath, nn.Module model, string? source = null)
    {
        if (GlassCheckpoint.Detect(checkpointPath) == CheckpointFormat.Glass)
        {
            using var checkpoint = GlassCheckpoint.Read(checkpointPath);
            StateDictCopy.Checkpoint(source ?? checkpointPath).Into(model, checkpoint.ModelState);
        }
        else
        {
            using var contents = PyTorchCheckpoint.Read(checkpointPath);
            StateDictCopy.Checkpoint(source ?? checkpointPath).Into(model, contents.StateDict);
        }
    }

    /// <summary>A config given next to one of our checkpoints may change anything but the architecture.</summary>
    static void EnsureSameModel(GlassConfig given, GlassConfig stored, string configPath, string checkpointPath)
    {
        var differences = given.DifferencesFrom(stored, "model").Concat(given.DifferencesFrom(stored, "data.input_size")).ToList();
        if (differences.Count == 0) return;
        var first = differences[0];
        throw new GlassException($"{configPath}: describes another model than checkpoint {checkpointPath} ({first} is {given.ValueText(first)} here, {stored.ValueText(first)} in the checkpoint" +
            (differences.Count > 1 ? $", and {differences.Count - 1} more difference(s)" : "") + "); leave the config out to use the checkpoint's own")
        { Input = GlassInput.Config };
    }
}
