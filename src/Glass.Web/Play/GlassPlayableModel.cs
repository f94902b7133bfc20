using Glass.Checkpoints;
using Glass.Config;
using Glass.Generation;
using Glass.IO;
using Glass.Model;
using static TorchSharp.torch;

namespace Glass.Web.Play;

/// <summary>A trained GLASS model as the playground plays it: every playback is an <see cref="Animator"/> over the shared model.</summary>
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
        ModelConsistency.Check(config.Model, config.Data.InputSize, name);
        // The animator checks the named actions once here, not on the first request.
        using (new Animator(model, config)) { }
        GlobalActions = config.Generation.Actions.Select(a => new NamedAction(a.Key, (float)a.Value[0], (float)a.Value[1])).ToList();
        Device = model.Device;
        long parameters = model.parameters().Sum(p => p.numel());
        Description = $"{Path.GetFileName(name)}: {Width}x{Height}, {LocalActionCount} local actions, {parameters / 1e6:0.##} M parameters, {Device.type.ToString().ToLowerInvariant()}";
    }

    /// <summary>Loads a checkpoint by <see cref="ModelStore"/>'s policy (a config beside ours must describe the same
    /// model; a reference PyTorch checkpoint needs the config it was trained with).</summary>
    public static GlassPlayableModel Load(string path, Device device, string? configPath = null) => Load(ModelStore.Open(path, configPath), device);

    /// <summary>Loads an opened checkpoint (its <see cref="ModelStore.Config"/> as the caller left it).</summary>
    public static GlassPlayableModel Load(ModelStore store, Device device)
    {
        var model = store.Load(device);
        try
        {
            return new GlassPlayableModel(model, store.Config, store.CheckpointPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public IPlayback Start(Tensor firstFrames /* (B, 3, H, W) */)
    {
        var animator = new Animator(model, Config);
        try
        {
            animator.Start(firstFrames);
            return new Playback(animator);
        }
        catch
        {
            animator.Dispose();
            throw;
        }
    }

    public RgbImage[][] LocalActionMatrix(Tensor firstFrame /* (1, 3, H, W) */, int frames)
    {
        using var animator = new Animator(model, Config);
        var matrix = ActionMatrix.Build(animator, firstFrame, ActionMatrixKind.Local, frames);
        return Enumerable.Range(0, matrix.Columns.Count)
            .Select(k => Enumerable.Range(0, matrix.Frames).Select(t => matrix.Cell(0, k, t)).ToArray()).ToArray();
    }

    public void Dispose() => model.Dispose();

    sealed class Playback(Animator animator) : IPlayback
    {
        public PlaybackStep Step(Tensor foregroundShifts /* (B, 2) */, Tensor localActionIds /* (B) */)
        {
            var step = animator.Step(foregroundShifts, localActionIds);
            step.Foregrounds.Dispose();
            step.Backgrounds.Dispose();
            return new PlaybackStep(step.Frames, step.Masks);
        }

        public void Reset() => animator.Reset();

        public void Dispose() => animator.Dispose();
    }
}
