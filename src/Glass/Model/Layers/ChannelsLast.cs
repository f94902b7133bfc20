using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>
/// Stores 4-D weights in channels-last (NHWC) order. libtorch's oneDNN convolutions then run in
/// channels-last end to end (activations follow the weights), skipping the layout reorders around every
/// convolution: 1.4-2x faster convolutions on CPU, same results up to float rounding.
/// </summary>
public static class ChannelsLast
{
    /// <summary>(N, C, H, W) view of the same values with NHWC strides.</summary>
    public static Tensor Of(Tensor x /* (N, C, H, W) */) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    public static bool Is(Tensor x)
    {
        if (x.dim() != 4) return false;
        var s = x.stride();
        return s[1] == 1 && s[3] == x.shape[1] && s[2] == x.shape[1] * x.shape[3];
    }

    /// <summary>
    /// Whether libtorch treats the tensor as channels-last (its suggest_memory_format, ported from c10's
    /// is_channels_last_strides_2d): also true for channel slices of a channels-last tensor. A convolution
    /// runs channels-last when its input or its weight is.
    /// </summary>
    public static bool Suggested(Tensor x /* (N, C, H, W); false for other ranks */)
    {
        if (x.dim() != 4) return false;
        var size = x.shape;
        var stride = x.stride();
        if (stride[1] == 0) return false;
        long min = 0;
        foreach (int d in (ReadOnlySpan<int>)[1, 3, 2, 0])
        {
            if (size[d] == 0 || stride[d] < min) return false;
            if (d == 0 && min == stride[1]) return false; // ambiguous (N111-like): libtorch defaults to NCHW
            min = stride[d] * (size[d] > 1 ? size[d] : 1);
        }
        return true;
    }

    /// <summary>Re-lays every 4-D parameter of the module in place (same Parameter objects, same values).</summary>
    public static void Apply(nn.Module module)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in module.parameters())
            if (p.dim() == 4 && !Is(p))
                p.set_(Of(p));
    }
}
