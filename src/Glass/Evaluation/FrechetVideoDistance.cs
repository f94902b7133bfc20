using Glass.Evaluation.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>FVD between real and generated clips (Unterthiner et al. 2018) as the reference computes it: every
/// frame resized to 224×224 with TensorFlow 1's bilinear resize (no half-pixel centres), scaled to [-1, 1], the
/// clip embedded by I3D (time-averaged Kinetics-400 logits), one Gaussian per set. Unlike the reference, which
/// feeds I3D in batches of exactly 16 clips and drops the remainder, every clip counts.</summary>
public sealed class FrechetVideoDistance(InceptionI3d network, int batchSize = 4) : FrechetFeatureDistance(network, batchSize)
{
    /// <summary>Adds clips in [0, 1]: (B, T, 3, H, W).</summary>
    public void Add(Tensor realClips /* (B, T, 3, H, W) */, Tensor generatedClips /* (B, T, 3, H, W) */) =>
        AddSamples(Checked(realClips), Checked(generatedClips));

    static Tensor Checked(Tensor clips /* (B, T, 3, H, W) */) =>
        clips.dim() == 5 ? clips : throw new GlassException($"FVD: clips must be (B, T, 3, H, W), got {MaskIoU.Shape(clips)}");

    /// <returns>(n, 3, T, 224, 224) in [-1, 1], I3D's layout</returns>
    protected override Tensor NetworkInput(Tensor batch /* (n, T, 3, H, W) in [0, 1] */) =>
        (ResizeBilinearTf1(batch, InceptionI3d.InputSize, InceptionI3d.InputSize) * 2 - 1).permute(0, 2, 1, 3, 4);

    /// <summary>TensorFlow 1's <c>resize_bilinear</c> (align_corners=False, no half-pixel centres): output pixel i
    /// samples the input at i·(in/out), interpolating linearly, clamped at the last pixel. (..., H, W) → (..., h, w).</summary>
    public static Tensor ResizeBilinearTf1(Tensor images /* (..., H, W) */, int height, int width)
    {
        using var scope = NewDisposeScope();
        var rows = InterpolationMatrix(images.shape[^2], height, images.dtype, images.device);   // (h, H)
        var columns = InterpolationMatrix(images.shape[^1], width, images.dtype, images.device); // (w, W)
        return rows.matmul(images.matmul(columns.T)).MoveToOuterDisposeScope();
    }

    static Tensor InterpolationMatrix(long inSize, long outSize, ScalarType dtype, Device device)
    {
        var m = new float[outSize * inSize];
        double scale = (double)inSize / outSize;
        for (long i = 0; i < outSize; i++)
        {
            double position = i * scale;
            long low = (long)Math.Floor(position);
            long high = Math.Min(low + 1, inSize - 1);
            double fraction = position - low;
            m[i * inSize + low] += (float)(1 - fraction);
            m[i * inSize + high] += (float)fraction;
        }
        return tensor(m, [outSize, inSize]).to(dtype).to(device);
    }
}
