using Glass.Checkpoints;
using Glass.Config;
using Glass.IO;
using Glass.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Generation;

/// <summary>
/// Plays a trained GLASS model: start from one or more images (any size: cropped and resized as the
/// config's <c>data</c> section says), then step with global actions (named in
/// <c>generation.actions</c>, or explicit (dx, dy) shifts) and local action ids; every step returns the
/// next frames, their foregrounds and masks. Batched: element b of the batch has its own start and
/// its own actions. Built on <see cref="GenerationSession"/>, which segments and inpaints the starting
/// images once; all work runs in inference mode on the model's device.
/// </summary>
public sealed class Animator : IDisposable
{
    readonly GlassModel _model;
    readonly bool _ownsModel;
    GenerationSession? _session;
    Tensor? _start;

    /// <summary>Wraps a model (switched to eval mode); <paramref name="ownsModel"/>: dispose it with the animator.</summary>
    public Animator(GlassModel model, GlassConfig config, bool ownsModel = false)
    {
        _model = model;
        _ownsModel = ownsModel;
        Config = config;
        _model.eval();
        var size = config.Data.InputSize;
        Transform = new FrameTransform(config.Data.Crop, size[0], size[1]);
        foreach (var (name, shift) in config.Generation.Actions)
            if (shift is not { Length: 2 } || !double.IsFinite(shift[0]) || !double.IsFinite(shift[1]))
                throw new GlassException($"generation.actions.{name}: expected two finite numbers [dx, dy]");
    }

    /// <summary>Loads a checkpoint onto <paramref name="device"/> (default: the config's runtime.device) by
    /// <see cref="ModelStore"/>'s policy: one of ours (.glass, which carries its config; a config given beside it must
    /// describe the same model), or a PyTorch one of the reference (then <paramref name="configPath"/>, the YAML it was
    /// trained with, is required).</summary>
    public static Animator Load(string checkpointPath, Device? device = null, string? configPath = null) =>
        Load(ModelStore.Open(checkpointPath, configPath), device);

    /// <summary>Loads an opened checkpoint with its <see cref="ModelStore.Config"/> as the caller left it.</summary>
    public static Animator Load(ModelStore store, Device? device = null)
    {
        var model = store.Load(device);
        try
        {
            return new Animator(model, store.Config, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public GlassConfig Config { get; }
    public GlassModel Model => _model;
    public Device Device => _model.Device;

    /// <summary>How starting images are cropped and resized to the model's input.</summary>
    public FrameTransform Transform { get; }

    public int Width => Transform.Width;
    public int Height => Transform.Height;

    /// <summary>K: local action ids run 0..K-1.</summary>
    public int NumLocalActions => _model.NumLocalActions;

    /// <summary>Named global actions: name -> (dx, dy) (config generation.actions).</summary>
    public IReadOnlyDictionary<string, double[]> GlobalActions => Config.Generation.Actions;

    /// <summary>Batch size of the current start (0 before <see cref="Start"/>).</summary>
    public int BatchSize => _start is null ? 0 : (int)_start.shape[0];

    /// <summary>Steps taken since the last start or reset.</summary>
    public int StepsTaken { get; private set; }

    /// <summary>Parses an action SPEC (or a file of one) against this model's names and K.</summary>
    public ActionSpec ParseActions(string specOrFile) => ActionSpec.Load(specOrFile, GlobalActions, NumLocalActions);

    /// <summary>An ActionStep for a named global action.</summary>
    public ActionStep Named(string name, int localAction = 0)
    {
        var match = GlobalActions.FirstOrDefault(a => string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase));
        if (match.Value is null)
            throw new GlassException($"unknown global action '{name}'; known: {string.Join(", ", GlobalActions.Keys)} (config generation.actions)");
        CheckLocal(localAction);
        return new ActionStep(match.Value[0], match.Value[1], localAction, match.Key);
    }

    /// <summary>Reads an image file as a starting frame.</summary>
    /// <returns>(3, H, W) in [-1, 1] on the model's device</returns>
    public Tensor ReadImage(string path) => ImageIO.ReadTensor(path, Transform, Device);

    /// <summary>Prepares a picture (any size) as a starting frame.</summary>
    /// <returns>(3, H, W) in [-1, 1] on the model's device</returns>
    public Tensor PrepareImage(RgbImage image) => ImageIO.ToTensor(Transform.Apply(image), Device);

    /// <summary>Reads several image files as one batch of starting frames.</summary>
    /// <returns>(B, 3, H, W) in [-1, 1] on the model's device</returns>
    public Tensor ReadImages(IEnumerable<string> paths)
    {
        using var scope = NewDisposeScope();
        var images = paths.Select(ReadImage).ToList();
        if (images.Count == 0) throw new GlassException("no starting images given");
        return torch.stack(images).MoveToOuterDisposeScope();
    }

    /// <summary>Starts new sequences from <paramref name="firstFrames"/>: segments and inpaints them once.</summary>
    public void Start(Tensor firstFrames /* (B, 3, H, W) in [-1, 1] */)
    {
        if (firstFrames.dim() != 4 || firstFrames.shape[1] != 3 || firstFrames.shape[2] != Height || firstFrames.shape[3] != Width)
            throw new GlassException($"starting images must be (B, 3, {Height}, {Width}) (data.input_size {Width}x{Height}), got ({string.Join(", ", firstFrames.shape)}); read them with ReadImage/PrepareImage");
        using (torch.no_grad())
            if (!torch.isfinite(firstFrames).all().item<bool>())
                throw new GlassException("starting images contain NaN or infinite values");
        _session?.Dispose();
        _start?.Dispose();
        _start = firstFrames.to(Device).detach().clone();
        using (torch.inference_mode())
            _session = new GenerationSession(_model, _start);
        StepsTaken = 0;
    }

    /// <summary>Masks of the starting frames (computed once by <see cref="Start"/>).</summary>
    /// <returns>(B, 1, H, W) in [0, 1]</returns>
    public Tensor StartMasks => RequireSession().FirstMasks;

    /// <summary>Foregrounds of the starting frames (mask * frame).</summary>
    /// <returns>(B, 3, H, W)</returns>
    public Tensor StartForegrounds => RequireSession().FirstForegrounds;

    /// <summary>Back to the starting frames of the last <see cref="Start"/> (segmentation kept).</summary>
    public void Reset()
    {
        var session = RequireSession();
        using (torch.inference_mode()) session.Reset(); // its tensors were made in inference mode

        StepsTaken = 0;
    }

    /// <summary>One step with the same action for every sequence of the batch.</summary>
    public GenerationStep Step(ActionStep action) => Step(Enumerable.Repeat(action, BatchSize).ToList());

    /// <summary>One step with a named global action for every sequence.</summary>
    public GenerationStep Step(string globalAction, int localAction) => Step(Named(globalAction, localAction));

    /// <summary>One step with an explicit shift for every sequence.</summary>
    public GenerationStep Step(double dx, double dy, int localAction) => Step(new ActionStep(dx, dy, localAction, $"{dx},{dy}"));

    /// <summary>One step; <paramref name="actions"/>[b] drives sequence b.</summary>
    public GenerationStep Step(IReadOnlyList<ActionStep> actions)
    {
        var session = RequireSession();
        if (actions.Count != BatchSize)
            throw new GlassException($"{actions.Count} actions given for a batch of {BatchSize} sequences");
        var shifts = new float[actions.Count * 2];
        var ids = new long[actions.Count];
        for (int b = 0; b < actions.Count; b++)
        {
            var a = actions[b];
            if (!double.IsFinite(a.Dx) || !double.IsFinite(a.Dy)) throw new GlassException($"action {a.Label}: shift must be finite");
            CheckLocal(a.LocalAction);
            (shifts[2 * b], shifts[2 * b + 1], ids[b]) = ((float)a.Dx, (float)a.Dy, a.LocalAction);
        }
        // No dispose scope here: the step's tensors belong to the caller.
        using var shiftTensor = torch.tensor(shifts, [actions.Count, 2], device: Device);
        using var idTensor = torch.tensor(ids, device: Device);
        return StepTensors(session, shiftTensor, idTensor, null);
    }

    /// <summary>One step from tensors (the model's own units).</summary>
    public GenerationStep Step(Tensor foregroundShifts /* (B, 2) */, Tensor localActionIds /* (B) int64 */, Tensor? backgroundShifts = null /* (B, 2) */)
    {
        var session = RequireSession();
        if (foregroundShifts.dim() != 2 || foregroundShifts.shape[0] != BatchSize || foregroundShifts.shape[1] != 2)
            throw new GlassException($"foreground shifts must be ({BatchSize}, 2), got ({string.Join(", ", foregroundShifts.shape)})");
        if (localActionIds.dim() != 1 || localActionIds.shape[0] != BatchSize)
            throw new GlassException($"local action ids must be ({BatchSize}), got ({string.Join(", ", localActionIds.shape)})");
        if (BatchSize > 0)
        {
            var (min, max) = (localActionIds.min().item<long>(), localActionIds.max().item<long>());
            if (min < 0 || max >= NumLocalActions)
                throw new GlassException($"local action ids must be in 0..{NumLocalActions - 1}, got {(min < 0 ? min : max)}");
        }
        return StepTensors(session, foregroundShifts, localActionIds, backgroundShifts);
    }

    GenerationStep StepTensors(GenerationSession session, Tensor foregroundShifts, Tensor localActionIds, Tensor? backgroundShifts)
    {
        using var inference = torch.inference_mode();
        var step = session.Step(foregroundShifts.to(ScalarType.Float32, Device), localActionIds.to(ScalarType.Int64, Device), backgroundShifts?.to(ScalarType.Float32, Device));
        StepsTaken++;
        return step;
    }

    /// <summary>
    /// Plays whole sequences: starts from <paramref name="firstFrames"/> and applies
    /// <paramref name="sequences"/>[b] (all of one length T) to element b. The clip holds T+1 frames,
    /// the first being the start and its segmentation. Results are moved to <paramref name="resultDevice"/> (default CPU).
    /// </summary>
    public AnimationClip Play(Tensor firstFrames /* (B, 3, H, W) */, IReadOnlyList<IReadOnlyList<ActionStep>> sequences, Device? resultDevice = null,
        Action<int, int>? progress = null)
    {
        if (sequences.Count != firstFrames.shape[0])
            throw new GlassException($"{sequences.Count} action sequences given for {firstFrames.shape[0]} starting images");
        var length = sequences.Count == 0 ? 0 : sequences[0].Count;
        if (sequences.Any(s => s.Count != length))
            throw new GlassException($"all sequences of a batch must have one length; got {string.Join(", ", sequences.Select(s => s.Count))}");
        resultDevice ??= torch.CPU;
        Start(firstFrames);
        var frames = new List<Tensor>();
        var foregrounds = new List<Tensor>();
        var masks = new List<Tensor>();
        using var outer = NewDisposeScope();
        frames.Add(_session!.FirstFrames.to(resultDevice).clone());
        masks.Add(_session.FirstMasks.to(resultDevice).clone());
        foregrounds.Add(_session.FirstForegrounds.to(resultDevice).clone());
        for (int t = 0; t < length; t++)
        {
            using var scope = NewDisposeScope();
            using var step = Step(sequences.Select(s => s[t]).ToList());
            frames.Add(step.Frames.to(resultDevice).clone().MoveToOuterDisposeScope());
            foregrounds.Add(step.Foregrounds.to(resultDevice).clone().MoveToOuterDisposeScope());
            masks.Add(step.Masks.to(resultDevice).clone().MoveToOuterDisposeScope());
            progress?.Invoke(t + 1, length);
        }
        return new AnimationClip(
            torch.stack(frames, 1).MoveToOuterDisposeScope(),
            torch.stack(foregrounds, 1).MoveToOuterDisposeScope(),
            torch.stack(masks, 1).MoveToOuterDisposeScope());
    }

    /// <summary>Plays one action sequence from every starting image.</summary>
    public AnimationClip Play(Tensor firstFrames /* (B, 3, H, W) */, IReadOnlyList<ActionStep> actions, Device? resultDevice = null, Action<int, int>? progress = null) =>
        Play(firstFrames, Enumerable.Repeat(actions, (int)firstFrames.shape[0]).ToList(), resultDevice, progress);

    void CheckLocal(int localAction)
    {
        if (localAction < 0 || localAction >= NumLocalActions)
            throw new GlassException($"local action id {localAction} is out of range: this model has {NumLocalActions} local actions (0..{NumLocalActions - 1})");
    }

    GenerationSession RequireSession() => _session ?? throw new InvalidOperationException("call Start(firstFrames) before stepping");

    public void Dispose()
    {
        _session?.Dispose();
        _start?.Dispose();
        _session = null;
        _start = null;
        if (_ownsModel) _model.Dispose();
    }
}
