using Glass.Model.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Layers;

/// <summary>
/// conv3x3 (padding 1, no bias) followed by 2x2 average pooling, computed as one 4x4 convolution with
/// stride 2 and padding 1 whose kernel is the average of the 3x3 kernel at its four 2x2 offsets. Both
/// operations are linear, so this is the same function (same gradients to the 3x3 weights) for any input
/// size, at under half the multiply-adds: the reference's downsampling blocks convolve at the full
/// resolution and then throw three quarters of the results away.
/// </summary>
public static class PooledConvolution
{
    /// <returns>(N, out, H/2, W/2) = avg_pool2d(conv2d(x, weight, padding 1), 2)</returns>
    /// <param name="keepBFloat16">see <see cref="ConvolutionKernels.Conv2d"/></param>
    public static Tensor Conv3x3AvgPool2(Tensor x /* (N, in, H, W) */, Tensor weight /* (out, in, 3, 3) */, bool keepBFloat16 = false)
    {
        using var scope = NewDisposeScope();
        var kernel = 0.25 * (F.pad(weight, [0, 1, 0, 1]) + F.pad(weight, [1, 0, 0, 1]) + F.pad(weight, [0, 1, 1, 0]) + F.pad(weight, [1, 0, 1, 0]));
        return ConvolutionKernels.Conv2d(x, kernel, stride: [2, 2], padding: [1, 1], keepBFloat16: keepBFloat16).MoveToOuterDisposeScope();
    }

    /// <summary>The reference blocks' conv3x3 then avg-pool(<paramref name="factor"/>), fused when the factor is 2.</summary>
    /// <param name="conv">a 3x3 convolution, padding 1, no bias</param>
    /// <param name="keepBFloat16">see <see cref="ConvolutionKernels.Conv2d"/></param>
    /// <returns>(N, out, H/factor, W/factor)</returns>
    public static Tensor Conv3x3AvgPool(GuardedConv2d conv, Tensor x /* (N, in, H, W) */, int factor, bool keepBFloat16 = false) => factor switch
    {
        // The reference pools with factor 1 too; that is the identity, so it is skipped.
        1 => conv.Convolve(x, keepBFloat16),
        2 => Conv3x3AvgPool2(x, conv.Weight, keepBFloat16),
        _ => F.avg_pool2d(conv.Convolve(x, keepBFloat16), factor),
    };
}
