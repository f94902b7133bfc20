using Glass.Model;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// The frozen masking network's mask of every video frame staged training's local stage has met, computed once
/// and then reused (`training.cache_frozen_masks`). In that stage the masking network does not change and runs in
/// eval mode, where BatchNorm normalises each sample by its running statistics, so a frame's mask depends on the
/// frame alone; the cache saves the masking network's forward pass, most of the frozen global motion's cost, on
/// every later visit of a frame. It grows to one H×W float mask per frame of the training split (about 450 MB for
/// the built-in W-Sprites training split at 64×48) and then stays flat. The masks equal those of the step itself up
/// to float rounding (the convolution kernels may round differently at another batch size).
/// </summary>
public sealed class FrozenMaskCache
{
    readonly Dictionary<(string Video, int Frame), float[]> _masks = [];
    readonly int _frameStride;

    /// <param name="skipFrames">frames skipped between two frames of a clip (training.batching.skip_frames)</param>
    public FrozenMaskCache(int skipFrames) => _frameStride = skipFrames + 1;

    /// <summary>Frames whose mask is cached.</summary>
    public int Frames => _masks.Count;

    /// <summary>The masks of a batch of clips: cached ones looked up, the others computed now (no gradients,
    /// global-motion networks put in eval mode) and kept.</summary>
    /// <param name="observations">(B, T, 3, H, W) the clips' frames in [-1, 1]</param>
    /// <param name="videos">each clip's video name (ClipBatch.VideoNames)</param>
    /// <param name="initialFrames">each clip's first frame index in its video (ClipBatch.InitialFrames)</param>
    /// <returns>(B, T, 1, H, W) on the observations' device</returns>
    public Tensor Masks(GlassModel model, Tensor observations, IReadOnlyList<string> videos, IReadOnlyList<int> initialFrames)
    {
        long b = observations.shape[0], t = observations.shape[1], h = observations.shape[3], w = observations.shape[4];
        if (videos.Count != b || initialFrames.Count != b)
            throw new ArgumentException($"{videos.Count} video names and {initialFrames.Count} first frames for a batch of {b} clips");
        int plane = checked((int)(h * w));
        var keys = new (string, int)[b * t];
        var missing = new List<long>(); // flat (clip, frame) indices of the first occurrence of each uncached frame
        var pending = new HashSet<(string, int)>();
        for (int i = 0; i < b; i++)
            for (int j = 0; j < t; j++)
            {
                var key = (videos[i], initialFrames[i] + j * _frameStride);
                keys[i * t + j] = key;
                if (!_masks.ContainsKey(key) && pending.Add(key)) missing.Add(i * t + j);
            }

        if (missing.Count > 0)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var m in model.GlobalMotionNetworks) m.eval();
            var frames = observations[.., .., ..3].reshape(b * t, 3, h, w)
                .index_select(0, tensor(missing.ToArray(), device: observations.device)).unsqueeze(1);
            var computed = model.Segment(frames).to(CPU).contiguous().data<float>().ToArray(); // (N, 1, 1, H, W)
            for (int n = 0; n < missing.Count; n++)
                _masks[keys[missing[n]]] = computed[(n * plane)..((n + 1) * plane)];
        }

        var all = new float[b * t * plane];
        for (int k = 0; k < keys.Length; k++) Array.Copy(_masks[keys[k]], 0, all, (long)k * plane, plane);
        return tensor(all, [b, t, 1, h, w]).to(observations.device);
    }
}
