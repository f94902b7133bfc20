using Glass.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Layers;

/// <summary>
/// Bilinear upsampling (align_corners=true) -> conv3x3 (no bias) -> BN -> LeakyReLU(0.2); with
/// <c>lateUpscaling</c> the upsampling comes last. Every UpBlock of the reference is bilinear. With
/// <c>feedsConvolutions</c> the output, and the BatchNorm before it, are in the convolutions' precision
/// (<see cref="ConvolutionKernels.ForConvolution"/>, <see cref="ConvolutionKernels.Conv2d"/>'s keepBFloat16).
/// </summary>
public sealed class UpBlock : nn.Module<Tensor, Tensor>
{
    readonly GuardedConv2d conv;
    readonly BatchNorm2d norm;
    readonly int scaleFactor;
    readonly bool lateUpscaling;
    readonly bool feedsConvolutions;

    public int InChannels { get; }

    public UpBlock(int inChannels, int outChannels, int scaleFactor = 2, bool lateUpscaling = false, bool feedsConvolutions = false) : base(nameof(UpBlock))
    {
        this.feedsConvolutions = feedsConvolutions;
        InChannels = inChannels;
        this.scaleFactor = scaleFactor;
        this.lateUpscaling = lateUpscaling;
        conv = new GuardedConv2d(inChannels, outChannels, 3, padding: 1, bias: false);
        norm = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    Tensor Upscale(Tensor x) => scaleFactor == 1 ? x :
        F.interpolate(x, size: [x.shape[2] * scaleFactor, x.shape[3] * scaleFactor],
            mode: InterpolationMode.Bilinear, align_corners: true);

    /// <returns>(N, out, H*scale, W*scale)</returns>
    public override Tensor forward(Tensor x /* (N, in, H, W) */)
    {
        using var scope = NewDisposeScope();
        var y = lateUpscaling ? x : Upscale(x);
        y = norm.forward(conv.Convolve(y, keepBFloat16: feedsConvolutions));
        y = BlockActivation.LeakyRelu(y, feedsConvolutions);
        if (lateUpscaling) y = Upscale(y);
        return y.MoveToOuterDisposeScope();
    }
}
