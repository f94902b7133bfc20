using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Generation;

/// <summary>The actions read off a real clip: per transition t -> t+1, the foreground shift (global
/// action), the background shift and the local action id.</summary>
public sealed record ClipActions(float[][] ForegroundShifts, float[][] BackgroundShifts, long[] LocalActionIds)
{
    public int Count => LocalActionIds.Length;
}

/// <summary>
/// Motion transfer: infer the global and local actions of a source clip (the model's motion
/// networks and action network on real frames, as <c>glass analyze</c>), then replay them from another
/// starting image. Optionally the background follows the source's background shifts too.
/// </summary>
public static class MotionTransfer
{
    /// <summary>Frames per inference window; windows overlap by one frame, so memory stays bounded for long clips.</summary>
    public const int Window = 16;

    /// <summary>Reads the actions of <paramref name="clip"/>.</summary>
    /// <param name="clip">(T, 3, H, W) in [-1, 1], T >= 2</param>
    public static ClipActions InferActions(Animator animator, Tensor clip, Action<int, int>? progress = null)
    {
        if (clip.dim() != 4 || clip.shape[0] < 2)
            throw new GlassException($"a source clip needs at least 2 frames of (3, H, W), got ({string.Join(", ", clip.shape)})");
        long frames = clip.shape[0];
        var fg = new List<float[]>();
        var bg = new List<float[]>();
        var ids = new List<long>();
        for (long start = 0; start < frames - 1; start += Window - 1)
        {
            using var scope = NewDisposeScope();
            var end = Math.Min(frames, start + Window);
            var window = clip.narrow(0, start, end - start).to(animator.Device).unsqueeze(0);
            using var inferred = animator.Model.InferActions(window);
            var f = inferred.ForegroundShifts[0].to(CPU).to(ScalarType.Float32).data<float>().ToArray();
            var b = inferred.BackgroundShifts[0].to(CPU).to(ScalarType.Float32).data<float>().ToArray();
            var k = inferred.LocalActionIds[0].to(CPU).to(ScalarType.Int64).data<long>().ToArray();
            for (int i = 0; i < k.Length; i++)
            {
                fg.Add([f[2 * i], f[2 * i + 1]]);
                bg.Add([b[2 * i], b[2 * i + 1]]);
                ids.Add(k[i]);
            }
            progress?.Invoke((int)(end - 1), (int)(frames - 1));
        }
        return new ClipActions(fg.ToArray(), bg.ToArray(), ids.ToArray());
    }

    /// <summary>Replays <paramref name="actions"/> from <paramref name="target"/>; the clip has actions.Count + 1 frames.</summary>
    /// <param name="target">(3, H, W) in [-1, 1]</param>
    /// <param name="withBackground">also move the background by the source's background shifts (else it stays)</param>
    public static AnimationClip Replay(Animator animator, ClipActions actions, Tensor target, bool withBackground = false, Action<int, int>? progress = null)
    {
        using var outer = NewDisposeScope();
        animator.Start(target.unsqueeze(0));
        var frames = new List<Tensor> { target.unsqueeze(0).to(CPU) };
        var foregrounds = new List<Tensor>();
        var masks = new List<Tensor>();
        masks.Add(animator.StartMasks.to(CPU).clone());
        foregrounds.Add(animator.StartForegrounds.to(CPU).clone());
        for (int t = 0; t < actions.Count; t++)
        {
            using var scope = NewDisposeScope();
            var shift = torch.tensor(actions.ForegroundShifts[t], [1, 2]);
            var id = torch.tensor(new[] { actions.LocalActionIds[t] });
            var background = withBackground ? torch.tensor(actions.BackgroundShifts[t], [1, 2]) : null;
            using var step = animator.Step(shift, id, background);
            frames.Add(step.Frames.to(CPU).clone().MoveToOuterDisposeScope());
            foregrounds.Add(step.Foregrounds.to(CPU).clone().MoveToOuterDisposeScope());
            masks.Add(step.Masks.to(CPU).clone().MoveToOuterDisposeScope());
            progress?.Invoke(t + 1, actions.Count);
        }
        return new AnimationClip(torch.stack(frames, 1).MoveToOuterDisposeScope(), torch.stack(foregrounds, 1).MoveToOuterDisposeScope(),
            torch.stack(masks, 1).MoveToOuterDisposeScope());
    }

    /// <summary>Side-by-side pictures: source frame t | generated frame t.</summary>
    /// <param name="source">(T, 3, H, W)</param>
    /// <param name="generated">(T, 3, H, W)</param>
    public static List<RgbImage> SideBySide(Tensor source, Tensor generated)
    {
        var left = FrameLayout.FromBatch(source);
        var right = FrameLayout.FromBatch(generated);
        var n = Math.Min(left.Length, right.Length);
        return Enumerable.Range(0, n).Select(t => FrameLayout.Beside([left[t], right[t]], ActionMatrix.Gap, (255, 255, 255))).ToList();
    }
}
