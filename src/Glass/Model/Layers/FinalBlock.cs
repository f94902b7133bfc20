using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>conv k x k with bias -> tanh: features to an image in [-1, 1].</summary>
public sealed class FinalBlock : nn.Module<Tensor, Tensor>
{
    readonly GuardedConv2d conv;

    public FinalBlock(int inChannels, int outChannels, int kernelSize = 3) : base(nameof(FinalBlock))
    {
        conv = new GuardedConv2d(inChannels, outChannels, kernelSize, padding: kernelSize / 2, bias: true);
        RegisterComponents();
    }

    /// <returns>(N, out, H, W)</returns>
    public override Tensor forward(Tensor x /* (N, in, H, W) */)
    {
        using var scope = NewDisposeScope();
        return conv.forward(x).tanh_().MoveToOuterDisposeScope();
    }
}
