using static TorchSharp.torch;

namespace Glass.Model.Kernels;

/// <summary>
/// One self-check: a convolution shape at a thread count, probed with a batch and frame size like the
/// model's (capped so a check takes milliseconds). oneDNN picks kernels and splits work by all of these,
/// so each combination the process meets is checked once.
/// </summary>
/// <param name="BFloat16">the convolution runs in bfloat16 (runtime.convolution_precision), checked at <see cref="ConvolutionSelfCheck.BFloat16Tolerance"/></param>
public readonly record struct ConvolutionCase(ConvolutionShape Shape, long Batch, long Height, long Width, int Threads, bool BFloat16 = false)
{
    /// <summary>1x1 convolutions are probed at batch 16: below that, at one thread, libtorch does not use
    /// oneDNN for them (and the brgconv_1x1 fault needs batch >= 16 there).</summary>
    public const long PointwiseBatch = 16;
    public const long OtherBatch = 2;
    public const long MaxHeight = 12, MaxWidth = 16;

    public static ConvolutionCase For(ConvolutionShape shape, Tensor x /* (N, C, H, W) */, int threads, bool bfloat16 = false) =>
        new(shape, shape.Groups > 1 ? 1 : shape.IsPointwise ? PointwiseBatch : OtherBatch,
            Math.Min(x.shape[2], Math.Max(MaxHeight, shape.KernelH)), Math.Min(x.shape[3], Math.Max(MaxWidth, shape.KernelW)), threads, bfloat16);

    public override string ToString() => $"{Shape} on {Batch}x{Height}x{Width} at {Threads} thread{(Threads == 1 ? "" : "s")}{(BFloat16 ? " in bfloat16" : "")}";
}
