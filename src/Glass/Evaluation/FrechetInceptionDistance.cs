using Glass.Evaluation.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>FID between real and generated frames, as the reference computes it (pytorch-fid's Inception pool
/// features of every frame of every clip, one Gaussian per set). Frames are added in batches and only their
/// 2048-d features are kept.</summary>
public sealed class FrechetInceptionDistance(FidInceptionV3 network, int batchSize = 16)
{
    readonly List<Tensor> real = [], generated = [];

    /// <summary>Adds frames in [0, 1]: (..., 3, H, W).</summary>
    public void Add(Tensor realFrames /* (..., 3, H, W) */, Tensor generatedFrames /* (..., 3, H, W) */)
    {
        real.AddRange(Features(realFrames));
        generated.AddRange(Features(generatedFrames));
    }

    public int Count => real.Sum(t => (int)t.shape[0]);

    public double Compute()
    {
        using var scope = NewDisposeScope();
        return FrechetDistance.FromFeatures(cat(real, 0), cat(generated, 0));
    }

    IEnumerable<Tensor> Features(Tensor frames)
    {
        var flat = frames.reshape(-1, frames.shape[^3], frames.shape[^2], frames.shape[^1]);
        var device = network.parameters().First().device;
        for (long start = 0; start < flat.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = flat.narrow(0, start, Math.Min(batchSize, flat.shape[0] - start)).to(float32).to(device);
            yield return network.call(batch).cpu().to(float64).MoveToOuterDisposeScope();
        }
    }
}
