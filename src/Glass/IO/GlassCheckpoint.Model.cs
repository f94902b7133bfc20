using Glass.Config;
using Glass.Model;
using static TorchSharp.torch;

namespace Glass.IO;

public sealed partial class GlassCheckpoint
{
    /// <summary>
    /// Builds a <see cref="GlassModel"/> from a checkpoint, in eval mode on <paramref name="device"/>.
    /// Our checkpoints carry their configuration: <paramref name="configPath"/> may be left out, and when
    /// given its model section must match the stored one. A PyTorch (reference) checkpoint needs
    /// <paramref name="configPath"/>; names and shapes are checked strictly against the built model.
    /// </summary>
    public static (GlassConfig Config, GlassModel Model) LoadModel(string path, Device device, string? configPath = null)
    {
        if (Detect(path) == CheckpointFormat.Glass)
        {
            using var checkpoint = Read(path);
            var config = checkpoint.Config;
            if (configPath is not null)
            {
                var given = GlassConfig.Load(configPath);
                EnsureSameModel(given, checkpoint.Config, configPath, path);
                config = given;
            }
            return (config, Build(config, checkpoint.ModelState, device, path));
        }
        if (configPath is null)
            throw new GlassException($"{path}: is a PyTorch checkpoint, which carries no configuration; give the config it was trained with (--config FILE)");
        var reference = GlassConfig.Load(configPath);
        using var contents = PyTorchCheckpoint.Read(path);
        return (reference, Build(reference, contents.StateDict, device, $"{path} (with {configPath})"));
    }

    static GlassModel Build(GlassConfig config, IReadOnlyDictionary<string, Tensor> state, Device device, string source)
    {
        var model = new GlassModel(config.Model, device);
        try
        {
            PyTorchCheckpoint.LoadInto(model, state, source);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>A config given next to one of our checkpoints may change anything but the architecture.</summary>
    static void EnsureSameModel(GlassConfig given, GlassConfig stored, string configPath, string checkpointPath)
    {
        var differences = given.DifferencesFrom(stored, "model").Concat(given.DifferencesFrom(stored, "data.input_size")).ToList();
        if (differences.Count == 0) return;
        var first = differences[0];
        throw new GlassException($"{configPath}: describes another model than checkpoint {checkpointPath} ({first} is {given.ValueText(first)} here, {stored.ValueText(first)} in the checkpoint" +
            (differences.Count > 1 ? $", and {differences.Count - 1} more difference(s)" : "") + "); leave out --config to use the checkpoint's own");
    }
}
