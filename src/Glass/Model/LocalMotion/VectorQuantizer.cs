using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>What the vector quantizer returns.</summary>
public sealed record QuantizationResult(
    Tensor Loss /* scalar: VQ-VAE codebook + commitment loss */,
    Tensor Quantized /* (N, D): nearest code, straight-through gradient to the input */,
    Tensor Ids /* (N) int64 */);

/// <summary>
/// VQ-VAE bottleneck with K codes of dimension D: nearest code by squared distance, loss
/// mean((sg[q] - z)^2) + beta * mean((q - sg[z])^2) with beta = 0.25, straight-through gradient.
/// </summary>
public sealed class VectorQuantizer : nn.Module
{
    public const double Beta = 0.25;

    readonly Embedding embedding;

    public int NumCodes { get; }
    public int CodeSize { get; }
    public Tensor Codebook => embedding.weight!;

    public VectorQuantizer(int numCodes, int codeSize) : base(nameof(VectorQuantizer))
    {
        NumCodes = numCodes;
        CodeSize = codeSize;
        embedding = nn.Embedding(numCodes, codeSize);
        using (torch.no_grad()) embedding.weight!.uniform_(-1.0 / numCodes, 1.0 / numCodes);
        RegisterComponents();
    }

    /// <summary>Nearest code ids for each vector.</summary>
    /// <returns>(N) int64</returns>
    public Tensor NearestIds(Tensor z /* (N, D) */)
    {
        using var scope = NewDisposeScope();
        var e = embedding.weight!;
        // Same expansion as the reference, |z|^2 + |e|^2 - 2 z.e, so ties and rounding agree.
        var d = z.square().sum(1, keepdim: true) + e.square().sum(1) - 2 * torch.matmul(z, e.t());
        return d.argmin(1).MoveToOuterDisposeScope();
    }

    /// <summary>The codes of the given ids.</summary>
    /// <returns>(N, D)</returns>
    public Tensor Lookup(Tensor ids /* (N) int64 */) => embedding.weight!.index_select(0, ids);

    public QuantizationResult Forward(Tensor z /* (N, D) */)
    {
        using var scope = NewDisposeScope();
        var ids = NearestIds(z);
        var q = Lookup(ids);
        var loss = (q.detach() - z).square().mean() + Beta * (q - z.detach()).square().mean();
        var straightThrough = z + (q - z).detach();
        return new QuantizationResult(loss.MoveToOuterDisposeScope(), straightThrough.MoveToOuterDisposeScope(), ids.MoveToOuterDisposeScope());
    }
}
