using Glass.Evaluation.Networks;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>FID between real and generated frames, as the reference computes it (pytorch-fid's Inception pool
/// features of every frame of every clip, one Gaussian per set). Frames are added in batches and only their
/// 2048-d features are kept.</summary>
public sealed class FrechetInceptionDistance(FidInceptionV3 network, int batchSize = 16) : FrechetFeatureDistance(network, batchSize)
{
    /// <summary>Adds frames in [0, 1]: (..., 3, H, W).</summary>
    public void Add(Tensor realFrames /* (..., 3, H, W) */, Tensor generatedFrames /* (..., 3, H, W) */) =>
        AddSamples(Flat(realFrames), Flat(generatedFrames));

    /// <returns>(N, 3, H, W): every frame one sample</returns>
    static Tensor Flat(Tensor frames /* (..., 3, H, W) */) => frames.reshape(-1, frames.shape[^3], frames.shape[^2], frames.shape[^1]);
}
