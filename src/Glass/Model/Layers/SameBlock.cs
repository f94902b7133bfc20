using Glass.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>
/// conv3x3 (no bias) -> avg-pool(down) -> BatchNorm2d -> LeakyReLU(0.2), as the reference's SameBlock. With
/// <c>feedsConvolutions</c> the output, and the BatchNorm before it, are in the convolutions' precision
/// (<see cref="ConvolutionKernels.ForConvolution"/>, <see cref="ConvolutionKernels.Conv2d"/>'s keepBFloat16).
/// </summary>
public sealed class SameBlock : nn.Module<Tensor, Tensor>
{
    readonly GuardedConv2d conv1;
    readonly BatchNorm2d bn1;
    readonly int downsampleFactor;
    readonly bool feedsConvolutions;

    public int InChannels { get; }
    public int OutChannels { get; }

    public SameBlock(int inChannels, int outChannels, int downsampleFactor = 1, bool feedsConvolutions = false) : base(nameof(SameBlock))
    {
        this.feedsConvolutions = feedsConvolutions;
        InChannels = inChannels;
        OutChannels = outChannels;
        this.downsampleFactor = downsampleFactor;
        conv1 = new GuardedConv2d(inChannels, outChannels, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    /// <returns>(N, out, H/down, W/down)</returns>
    public override Tensor forward(Tensor x /* (N, in, H, W) */)
    {
        using var scope = NewDisposeScope();
        var y = bn1.forward(PooledConvolution.Conv3x3AvgPool(conv1, x, downsampleFactor, keepBFloat16: feedsConvolutions));
        return BlockActivation.LeakyRelu(y, feedsConvolutions).MoveToOuterDisposeScope();
    }
}
