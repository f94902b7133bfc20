using Glass.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Kernels;

/// <summary>Computes a convolution in a given <see cref="ConvolutionFormulation"/>; all are differentiable.</summary>
public static class ConvolutionFormulations
{
    /// <returns>(N, out, H', W'), channels-last when <paramref name="shape"/> runs channels-last</returns>
    public static Tensor Run(ConvolutionFormulation formulation, Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C/groups, kh, kw) */,
        Tensor? bias /* (out) */, ConvolutionShape shape)
    {
        long[] stride = [shape.StrideH, shape.StrideW], padding = [shape.PadH, shape.PadW];
        switch (formulation)
        {
            case ConvolutionFormulation.Direct:
                return F.conv2d(x, weight, bias, stride, padding, groups: shape.Groups);
            case ConvolutionFormulation.Float64:
            {
                using var scope = NewDisposeScope();
                var y = F.conv2d(x.to(float64), weight.to(float64), bias?.to(float64), stride, padding, groups: shape.Groups).to(x.dtype);
                return Layout(y, shape).MoveToOuterDisposeScope();
            }
            case ConvolutionFormulation.PaddedChannels when shape.Groups == 1:
                return Padded(x, weight, bias, shape, stride, padding);
            case ConvolutionFormulation.PaddedChannels:
            case ConvolutionFormulation.Unfolded:
                return Unfolded(x, weight, bias, shape);
            default:
                throw new ArgumentOutOfRangeException(nameof(formulation), formulation, null);
        }
    }

    /// <returns>(N, out, H', W')</returns>
    static Tensor Padded(Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C, kh, kw) */, Tensor? bias /* (out) */,
        ConvolutionShape shape, long[] stride, long[] padding)
    {
        using var scope = NewDisposeScope();
        long outPad = RoundUp(shape.OutChannels, 32) - shape.OutChannels;
        long inPad = RoundUp(shape.InChannels, 16) - shape.InChannels;
        // F.pad lists (before, after) pairs from the last dimension: W, H, then channels, then output channels.
        if (outPad > 0)
        {
            weight = F.pad(weight, [0, 0, 0, 0, 0, 0, 0, outPad]);
            if (bias is not null) bias = F.pad(bias, [0, outPad]);
        }
        if (inPad > 0)
        {
            weight = F.pad(weight, [0, 0, 0, 0, 0, inPad]);
            x = F.pad(x, [0, 0, 0, 0, 0, inPad]);
        }
        if (shape.ChannelsLast)
        {
            weight = ChannelsLast.Is(weight) ? weight : ChannelsLast.Of(weight);
            if (inPad > 0) x = ChannelsLast.Of(x);
        }
        var y = F.conv2d(x, weight, bias, stride, padding);
        if (outPad > 0) y = Layout(y[.., ..(int)shape.OutChannels], shape);
        return y.MoveToOuterDisposeScope();
    }

    /// <returns>(N, out, H', W')</returns>
    static Tensor Unfolded(Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C/groups, kh, kw) */, Tensor? bias /* (out) */, ConvolutionShape s)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], g = s.Groups, k = s.InChannels * s.KernelH * s.KernelW;
        long outH = (x.shape[2] + 2 * s.PadH - s.KernelH) / s.StrideH + 1, outW = (x.shape[3] + 2 * s.PadW - s.KernelW) / s.StrideW + 1;
        var columns = F.unfold(x, (s.KernelH, s.KernelW), padding: (s.PadH, s.PadW), stride: (s.StrideH, s.StrideW)); // (N, C*kh*kw, L)
        var y = torch.matmul(weight.reshape(1, g, s.OutChannels / g, k), columns.view(n, g, k, outH * outW));   // (N, G, out/G, L)
        y = y.reshape(n, s.OutChannels, outH, outW);
        if (bias is not null) y = y + bias.view(1, -1, 1, 1);
        return Layout(y, s).MoveToOuterDisposeScope();
    }

    /// <summary>A dense copy in the layout the direct convolution would have produced.</summary>
    static Tensor Layout(Tensor y /* (N, out, H', W') */, ConvolutionShape shape) => shape.ChannelsLast ? ChannelsLast.Of(y) : y.contiguous();

    static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
