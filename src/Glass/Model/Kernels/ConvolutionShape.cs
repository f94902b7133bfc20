using Glass.Model.Layers;
using static TorchSharp.torch;

namespace Glass.Model.Kernels;

/// <summary>
/// What decides which oneDNN kernel libtorch runs for a 2-D convolution: channel counts, kernel, stride,
/// padding, groups, bias and whether it runs channels-last (libtorch runs it channels-last when the input
/// or the weight is laid out so). Batch and frame size are not part of it; see <see cref="ConvolutionCase"/>.
/// </summary>
public readonly record struct ConvolutionShape(
    long InChannels /* per group */, long OutChannels /* all groups */, long Groups,
    long KernelH, long KernelW, long StrideH, long StrideW, long PadH, long PadW,
    bool HasBias, bool ChannelsLast)
{
    public bool IsPointwise => KernelH == 1 && KernelW == 1;

    public static ConvolutionShape Of(Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C/groups, kh, kw) */, Tensor? bias,
        long[] stride, long[] padding, long groups) =>
        new(weight.shape[1], weight.shape[0], groups, weight.shape[2], weight.shape[3], stride[0], stride[1], padding[0], padding[1],
            bias is not null, Layers.ChannelsLast.Suggested(x) || Layers.ChannelsLast.Suggested(weight));

    /// <summary>e.g. "3x3 64->65 pad 1 cl" (groups, stride and bias only when present).</summary>
    public override string ToString() =>
        $"{KernelH}x{KernelW} {InChannels * Groups}->{OutChannels}" +
        (Groups > 1 ? $" groups {Groups}" : "") +
        (StrideH != 1 || StrideW != 1 ? $" stride {StrideH}" + (StrideW != StrideH ? $"x{StrideW}" : "") : "") +
        (PadH != 0 || PadW != 0 ? $" pad {PadH}" + (PadW != PadH ? $"x{PadW}" : "") : "") +
        (HasBias ? " bias" : "") + (ChannelsLast ? " cl" : " nchw");
}
