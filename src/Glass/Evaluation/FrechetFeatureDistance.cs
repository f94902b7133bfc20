using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>What FID and FVD share: real and generated samples embedded by a network in batches, the features kept on
/// the CPU in float64, and the Fréchet distance between the two sets' Gaussians at the end.</summary>
public abstract class FrechetFeatureDistance(nn.Module<Tensor, Tensor> network, int batchSize)
{
    readonly List<Tensor> real = [], generated = [];

    public int Count => real.Sum(t => (int)t.shape[0]);

    public double Compute()
    {
        using var scope = NewDisposeScope();
        return FrechetDistance.FromFeatures(cat(real, 0), cat(generated, 0));
    }

    protected void AddSamples(Tensor realSamples /* (N, ...) */, Tensor generatedSamples /* (N, ...) */)
    {
        real.AddRange(Features(realSamples));
        generated.AddRange(Features(generatedSamples));
    }

    /// <summary>The network's input for a batch of samples (float32, on the network's device).</summary>
    protected virtual Tensor NetworkInput(Tensor batch) => batch;

    /// <returns>(n, D) per batch of n samples, float64 on the CPU</returns>
    IEnumerable<Tensor> Features(Tensor samples /* (N, ...) */)
    {
        var device = network.parameters().First().device;
        for (long start = 0; start < samples.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = samples.narrow(0, start, Math.Min(batchSize, samples.shape[0] - start)).to(float32).to(device);
            yield return network.call(NetworkInput(batch)).cpu().to(float64).MoveToOuterDisposeScope();
        }
    }
}
