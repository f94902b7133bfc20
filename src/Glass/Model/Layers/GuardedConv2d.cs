using Glass.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>
/// A Conv2d (parameters "weight" and "bias", same shapes and initialisation as nn.Conv2d, so state_dicts
/// are unchanged) whose forward goes through <see cref="ConvolutionKernels"/>: the formulation that is
/// right on this CPU, see docs/cpu-kernels.md.
/// </summary>
public sealed class GuardedConv2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;
    readonly long[] stride;
    readonly long[] padding;

    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public GuardedConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
        : this(inChannels, outChannels, (kernelSize, kernelSize), (stride, stride), (padding, padding), bias) { }

    public GuardedConv2d(long inChannels, long outChannels, (long, long) kernelSize, (long, long) stride, (long, long) padding, bool bias = true)
        : base("Conv2d")
    {
        // nn.Conv2d's initialisation (same draws from the global generator, in the same order).
        using (var init = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: bias))
        {
            weight = new Parameter(init.weight!.detach().clone());
            if (bias) this.bias = new Parameter(init.bias!.detach().clone());
        }
        this.stride = [stride.Item1, stride.Item2];
        this.padding = [padding.Item1, padding.Item2];
        RegisterComponents();
    }

    /// <returns>(N, out, H', W')</returns>
    public override Tensor forward(Tensor x /* (N, in, H, W) */) => Convolve(x, keepBFloat16: false);

    /// <param name="keepBFloat16">see <see cref="ConvolutionKernels.Conv2d"/></param>
    /// <returns>(N, out, H', W')</returns>
    public Tensor Convolve(Tensor x /* (N, in, H, W) */, bool keepBFloat16) =>
        ConvolutionKernels.Conv2d(x, weight, bias, stride, padding, keepBFloat16: keepBFloat16);
}
