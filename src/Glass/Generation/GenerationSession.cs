using Glass.Model;
using Glass.Model.Layers;
using Glass.Model.LocalMotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Generation;

/// <summary>
/// Step-wise generation from first frames. The constructor segments the first frames, inpaints their
/// background once (with masks enlarged by one pixel) and keeps it; each <see cref="Step"/> runs one
/// dynamics transition from the encoded current foreground with a global action (foreground shift) and a
/// local action id, renders the next foreground and mask, shifts the kept background by the accumulated
/// background shift (nearest sampling, border padding, as the reference's generated path) and composites.
/// The next step starts from the rendered foreground, as the reference's generate_next. No gradients.
/// The constructor switches the model to evaluation mode.
/// </summary>
public sealed class GenerationSession : IDisposable
{
    readonly GlassModel model;
    readonly ActionSeparator las;
    readonly Device device;
    readonly DynamicsMemory initialMemory;
    DynamicsMemory memory;
    Tensor current;          // (B, 3, H, W) foreground the next step starts from
    Tensor accumulatedShift; // (B, 2)
    bool disposed;

    /// <summary>(B, 3, H, W) the first frames.</summary>
    public Tensor FirstFrames { get; }
    /// <summary>(B, 1, H, W) masks of the first frames.</summary>
    public Tensor FirstMasks { get; }
    /// <summary>(B, 3, H, W) foregrounds of the first frames (mask * frame).</summary>
    public Tensor FirstForegrounds { get; }
    /// <summary>(B, 3, H, W) the inpainted background of the first frames.</summary>
    public Tensor Background { get; }
    public long BatchSize { get; }
    /// <summary>Steps taken since the start or the last <see cref="Reset"/>.</summary>
    public int StepCount { get; private set; }
    public int NumLocalActions => model.NumLocalActions;

    /// <param name="model">the model (put into eval mode)</param>
    /// <param name="firstFrames">(B, 3, H, W) in [-1, 1]</param>
    /// <param name="enlargeMasks">grow the masks by one pixel before inpainting (the reference's intent; its own
    /// flag has no effect, see <see cref="Model.GlobalMotion.InpaintingNetwork.Forward"/>)</param>
    public GenerationSession(GlassModel model, Tensor firstFrames, bool enlargeMasks = true)
    {
        if (firstFrames.dim() != 4 || firstFrames.shape[1] != 3)
            throw new GlassException($"first frames must be (B, 3, H, W), got ({string.Join(", ", firstFrames.shape)})");
        this.model = model;
        las = model.LocalActionSeparator;
        device = model.Device;
        model.eval();
        BatchSize = firstFrames.shape[0];
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var frames = firstFrames.to(float32).to(device).unsqueeze(1); // (B, 1, 3, H, W)
        var (w, h) = model.Config.FrameSize();
        if (frames.shape[3] != h || frames.shape[4] != w)
            throw new GlassException($"first frames are {frames.shape[4]}x{frames.shape[3]} (WxH) but the model expects {w}x{h}; resize them to data.input_size");
        var masks = model.Segment(frames);
        var background = model.InpaintingNetwork.Forward(frames, masks, combine: true, enlargeMasks: enlargeMasks).InpaintedBackgrounds;
        FirstFrames = frames[.., 0].DetachFromDisposeScope();
        FirstMasks = masks[.., 0].DetachFromDisposeScope();
        FirstForegrounds = (masks[.., 0] * frames[.., 0]).DetachFromDisposeScope();
        Background = background[.., 0].DetachFromDisposeScope();
        initialMemory = las.Dynamics.InitialMemory(BatchSize).DetachFromDisposeScope();
        memory = initialMemory;
        current = FirstForegrounds;
        accumulatedShift = torch.zeros(BatchSize, 2, device: device).DetachFromDisposeScope();
    }

    /// <summary>Back to the first frames: the next step is the first transition again.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!ReferenceEquals(memory, initialMemory)) memory.Dispose();
        memory = initialMemory;
        if (!ReferenceEquals(current, FirstForegrounds)) current.Dispose();
        current = FirstForegrounds;
        accumulatedShift.zero_();
        StepCount = 0;
    }

    Tensor Check(Tensor t, long columns, string name)
    {
        bool ok = columns == 0 ? t.dim() == 1 && t.shape[0] == BatchSize : t.dim() == 2 && t.shape[0] == BatchSize && t.shape[1] == columns;
        if (!ok) throw new GlassException($"{name} must be ({BatchSize}{(columns == 0 ? "" : $", {columns}")}), got ({string.Join(", ", t.shape)})");
        return t.to(device);
    }

    /// <summary>Generates the next frame.</summary>
    /// <param name="foregroundShifts">(B, 2) global actions (dx, dy), normalised units (2 = full width/height)</param>
    /// <param name="localActionIds">(B) int64 local action ids in 0..K-1</param>
    /// <param name="backgroundShifts">(B, 2) background shifts for this step; default zero (static background)</param>
    public GenerationStep Step(Tensor foregroundShifts, Tensor localActionIds, Tensor? backgroundShifts = null)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var globalActions = Check(foregroundShifts, 2, "foreground shifts").to(float32);
        var ids = Check(localActionIds, 0, "local action ids").to(int64);
        var codes = las.Actions.CodesOf(ids);

        var state = las.Compress(las.Encode(current).States);
        var (next, nextMemory) = las.Dynamics.Step(state, codes, globalActions, memory);
        var rendered = las.Rendering.Forward(next);
        var foregrounds = rendered.Foregrounds[0];
        var masks = rendered.Masks;

        if (backgroundShifts is not null)
            accumulatedShift.add_(Check(backgroundShifts, 2, "background shifts").to(float32));
        var backgrounds = SpatialTransform.Shift(Background, accumulatedShift, GridSamplePaddingMode.Border, GridSampleMode.Nearest);
        var frames = GlassModel.Composite(masks, foregrounds, backgrounds);

        // The session keeps its own handles; the caller owns (and may dispose) the returned ones.
        if (!ReferenceEquals(memory, initialMemory)) memory.Dispose();
        memory = nextMemory.DetachFromDisposeScope();
        if (!ReferenceEquals(current, FirstForegrounds)) current.Dispose();
        current = foregrounds.detach().DetachFromDisposeScope();
        StepCount++;
        return new GenerationStep(frames.MoveToOuterDisposeScope(), foregrounds.MoveToOuterDisposeScope(),
            masks.MoveToOuterDisposeScope(), backgrounds.MoveToOuterDisposeScope());
    }

    /// <summary>Generates the next frame with the same actions for the whole batch.</summary>
    public GenerationStep Step(double dx, double dy, int localActionId, double backgroundDx = 0, double backgroundDy = 0)
    {
        using var scope = NewDisposeScope();
        var fg = torch.tensor(new float[] { (float)dx, (float)dy }, device: device).expand(BatchSize, 2);
        var ids = torch.full(BatchSize, localActionId, dtype: int64, device: device);
        Tensor? bg = backgroundDx == 0 && backgroundDy == 0 ? null
            : torch.tensor(new float[] { (float)backgroundDx, (float)backgroundDy }, device: device).expand(BatchSize, 2);
        var step = Step(fg, ids, bg);
        return new GenerationStep(step.Frames.MoveToOuterDisposeScope(), step.Foregrounds.MoveToOuterDisposeScope(),
            step.Masks.MoveToOuterDisposeScope(), step.Backgrounds.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// (foreground shifts, background shifts, local action ids) of a real clip, for analysis and motion
    /// transfer (replay them with <see cref="Step(Tensor, Tensor, Tensor?)"/> from another first frame).
    /// </summary>
    public static InferredActions InferActions(GlassModel model, Tensor clip /* (B, T, 3, H, W) in [-1, 1] */)
    {
        model.eval();
        return model.InferActions(clip.to(float32).to(model.Device));
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        if (!ReferenceEquals(memory, initialMemory)) memory.Dispose();
        initialMemory.Dispose();
        if (!ReferenceEquals(current, FirstForegrounds)) current.Dispose();
        accumulatedShift.Dispose();
        FirstFrames.Dispose(); FirstMasks.Dispose(); FirstForegrounds.Dispose(); Background.Dispose();
    }
}
