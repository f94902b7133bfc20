using Glass.Config;
using Glass.Generation;
using Glass.IO;
using Glass.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Web.Play;

/// <summary>A trained GLASS model as the playground plays it: every playback is a <see cref="GenerationSession"/>.</summary>
public sealed class GlassPlayableModel : IPlayableModel
{
    readonly GlassModel model;

    public GlassConfig Config { get; }
    public int Width { get; }
    public int Height { get; }
    public int LocalActionCount => model.NumLocalActions;
    public IReadOnlyList<NamedAction> GlobalActions { get; }
    public Device Device { get; }
    public string Description { get; }

    /// <summary>Takes ownership of <paramref name="model"/>; its frame size comes from <c>data.input_size</c>.</summary>
    public GlassPlayableModel(GlassModel model, GlassConfig config, string name)
    {
        this.model = model;
        Config = config;
        Width = config.Data.InputSize[0];
        Height = config.Data.InputSize[1];
        var state = config.Model.ActionSeparator.DynamicsNetwork.StateResolution;
        if (8 * state[0] != Height || 8 * state[1] != Width)
            throw new GlassException($"{name}: data.input_size {Width}x{Height} does not match model.action_separator.dynamics_network.state_resolution [{state[0]}, {state[1]}] (frames must be 8x the state grid)");
        GlobalActions = config.Generation.Actions
            .Select(a => a.Value.Length == 2 ? new NamedAction(a.Key, (float)a.Value[0], (float)a.Value[1])
                : throw new GlassException($"{name}: generation.actions.{a.Key} must be [dx, dy]"))
            .ToList();
        Device = model.Device;
        model.eval();
        long parameters = model.parameters().Sum(p => p.numel());
        Description = $"{Path.GetFileName(name)}: {Width}x{Height}, {LocalActionCount} local actions, {parameters / 1e6:0.##} M parameters, {Device.type.ToString().ToLowerInvariant()}";
    }

    /// <summary>Loads one of our checkpoints (it carries its configuration) onto <paramref name="device"/>.</summary>
    public static GlassPlayableModel Load(string path, Device device)
    {
        if (!File.Exists(path)) throw new GlassException($"{path}: checkpoint not found (--checkpoint)");
        using var checkpoint = GlassCheckpoint.Read(path);
        var model = new GlassModel(checkpoint.Config.Model, device);
        try
        {
            PyTorchCheckpoint.LoadInto(model, checkpoint.ModelState, path);
            return new GlassPlayableModel(model, checkpoint.Config, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public IPlayback Start(Tensor firstFrames /* (B, 3, H, W) */) => new Playback(new GenerationSession(model, firstFrames));

    public void Dispose() => model.Dispose();

    sealed class Playback(GenerationSession session) : IPlayback
    {
        public PlaybackStep Step(Tensor foregroundShifts /* (B, 2) */, Tensor localActionIds /* (B) */)
        {
            var step = session.Step(foregroundShifts, localActionIds);
            step.Foregrounds.Dispose();
            step.Backgrounds.Dispose();
            return new PlaybackStep(step.Frames, step.Masks);
        }

        public void Reset() => session.Reset();

        public void Dispose() => session.Dispose();
    }
}
