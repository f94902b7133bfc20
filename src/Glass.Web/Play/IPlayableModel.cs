using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Web.Play;

/// <summary>A named global action: the foreground shift (dx, dy) in the model's normalised units (positive = right/down).</summary>
public sealed record NamedAction(string Name, float Dx, float Dy);

/// <summary>
/// What the playground needs from a trained model: its frame size, its actions, and playbacks that
/// keep their own recurrent state. Every member that touches tensors is called on the
/// <see cref="ModelWorker"/> thread only, so implementations need no locking of their own.
/// </summary>
public interface IPlayableModel : IDisposable
{
    int Width { get; }
    int Height { get; }
    /// <summary>K, the number of learned local actions.</summary>
    int LocalActionCount { get; }
    IReadOnlyList<NamedAction> GlobalActions { get; }
    Device Device { get; }
    /// <summary>One-line description for the console and the page (checkpoint name, size, K).</summary>
    string Description { get; }

    /// <summary>Starts B independent playbacks, one per first frame (called outside any dispose scope).</summary>
    IPlayback Start(Tensor firstFrames /* (B, 3, H, W) in [-1, 1] */);

    /// <summary>
    /// The local action matrix of one starting image: for each local action k, <paramref name="frames"/>
    /// frames (the start first) of doing only k with a zero shift. Indexed [k][t].
    /// </summary>
    RgbImage[][] LocalActionMatrix(Tensor firstFrame /* (1, 3, H, W) in [-1, 1] */, int frames);
}

/// <summary>B playbacks advancing together; owns its recurrent state.</summary>
public interface IPlayback : IDisposable
{
    /// <summary>One generation step; the caller disposes the result. Called outside any dispose scope, so the state may live on.</summary>
    PlaybackStep Step(Tensor foregroundShifts /* (B, 2) */, Tensor localActionIds /* (B) int64 */);

    /// <summary>Back to the first frames, recurrent state cleared.</summary>
    void Reset();
}

/// <summary>The composited frames and the rendered foreground masks of one step; disposing frees both.</summary>
public sealed record PlaybackStep(Tensor Frames /* (B, 3, H, W) in [-1, 1] */, Tensor Masks /* (B, 1, H, W) in [0, 1] */) : IDisposable
{
    public void Dispose()
    {
        Frames.Dispose();
        Masks.Dispose();
    }
}
