using Glass.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Layers;

/// <summary>
/// StyleGAN2-style modulated and demodulated 3x3 convolution (style = Linear(style vector)), then
/// optional avg-pool, BatchNorm2d and LeakyReLU(0.2). The per-sample weights run as one grouped convolution.
/// </summary>
public sealed class ModulatedConvBlock : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear affine;
    readonly Parameter weight;
    readonly BatchNorm2d bn1;
    readonly int downsampleFactor;

    public int InChannels { get; }
    public int OutChannels { get; }

    public ModulatedConvBlock(int inChannels, int outChannels, int styleSize, int downsampleFactor = 1) : base(nameof(ModulatedConvBlock))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        this.downsampleFactor = downsampleFactor;
        affine = nn.Linear(styleSize, inChannels);
        weight = new Parameter(torch.randn(outChannels, inChannels, 3, 3));
        bn1 = nn.BatchNorm2d(outChannels);
        RegisterComponents();
    }

    /// <returns>(N, out, H/down, W/down)</returns>
    public override Tensor forward(Tensor x /* (N, in, H, W) */, Tensor style /* (N, styleSize) */)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var s = affine.forward(style);
        // Pre-normalisation; the style is normalised by its mean square over the whole batch, as in the reference.
        var wNorm = weight * weight.square().mean([1, 2, 3], keepdim: true).rsqrt();
        s = s * s.square().mean().rsqrt();
        var wMod = wNorm.unsqueeze(0) * s.unsqueeze(1).unsqueeze(3).unsqueeze(4); // (N, O, I, 3, 3)
        var demod = (wMod.square().sum([2, 3, 4]) + 1e-8).rsqrt();               // (N, O)
        wMod = wMod * demod.unsqueeze(2).unsqueeze(3).unsqueeze(4);
        var y = ConvolutionKernels.Conv2d(x.reshape(1, n * InChannels, h, w), wMod.reshape(n * OutChannels, InChannels, 3, 3),
            padding: [1, 1], groups: n);
        y = y.reshape(n, OutChannels, h, w);
        if (downsampleFactor != 1) y = F.avg_pool2d(y, downsampleFactor);
        return F.leaky_relu(bn1.forward(y), 0.2, inplace: true).MoveToOuterDisposeScope();
    }
}
