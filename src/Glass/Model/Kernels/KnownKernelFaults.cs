namespace Glass.Model.Kernels;

/// <summary>
/// The convolution kernel faults found in libtorch 2.10's oneDNN (v3.7.1) on an AMD EPYC Zen 5 (AVX-512),
/// and the formulation that avoids each by construction, whatever the CPU. docs/cpu-kernels.md has the
/// measurements. Both rules are conservative (they also cover counts that were measured right).
/// </summary>
public static class KnownKernelFaults
{
    /// <summary>
    /// Fault 1: a 1x1 channels-last convolution with more than 32 output channels and a count mod 32 in
    /// 1..16 (33, 65, 66, 72, 80, 97, 129, 257 measured wrong) is wrong in the channels past the last
    /// multiple of 32 (brgconv_1x1, at 2 threads, or at 1 thread with batch >= 16). Padding the output
    /// channels to a multiple of 32 is exact and avoids it. Also applied to contiguous convolutions
    /// (measured right): it costs nothing there and a layout change upstream cannot reopen the fault.
    /// </summary>
    public static bool HasOutputChannelTail(ConvolutionShape s) =>
        s.IsPointwise && s.Groups == 1 && s.OutChannels > 32 && s.OutChannels % 32 is >= 1 and <= 16;

    /// <summary>
    /// Fault 2: a contiguous (NCHW) 3x3 convolution whose input channel count (per group) is not a multiple of
    /// 16 (33, 65, 66 measured) is wrong by 0.1-0.26, or NaN, at 2 threads; channels-last it is right. Such
    /// convolutions are run channels-last (the weight is re-laid, a small copy).
    /// </summary>
    public static bool NeedsChannelsLast(ConvolutionShape s) =>
        !s.ChannelsLast && !s.IsPointwise && s.InChannels % 16 != 0;

    /// <summary>The formulation used by construction (before any self-check) for a shape.</summary>
    public static ConvolutionFormulation SafeFormulation(ConvolutionShape s) =>
        HasOutputChannelTail(s) ? ConvolutionFormulation.PaddedChannels : ConvolutionFormulation.Direct;
}
