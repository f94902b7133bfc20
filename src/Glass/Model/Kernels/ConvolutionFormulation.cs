namespace Glass.Model.Kernels;

/// <summary>Ways to compute the same convolution; they differ only in which libtorch/oneDNN kernels run.</summary>
public enum ConvolutionFormulation
{
    /// <summary>conv2d as asked: the fast path, oneDNN's choice of kernel.</summary>
    Direct,
    /// <summary>Weight (and bias) zero-padded to a multiple of 32 output channels and, when the input
    /// channels are not a multiple of 16, input and weight zero-padded to one; convolve, slice back.
    /// Exact (the extra channels add zeros) and steers oneDNN away from its channel-tail code.</summary>
    PaddedChannels,
    /// <summary>im2col (unfold) and a matrix product: BLAS instead of oneDNN's convolution kernels.</summary>
    Unfolded,
    /// <summary>The convolution in float64, rounded back: the self-check's own reference, always right, slow.</summary>
    Float64,
}
