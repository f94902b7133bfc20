using Glass.Model.Kernels;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Layers;

/// <summary>The blocks' LeakyReLU(0.2), in place.</summary>
public static class BlockActivation
{
    /// <param name="feedsConvolutions">only convolutions read the result: it is computed in their precision
    /// (<see cref="ConvolutionKernels.ForConvolution"/>), so autograd keeps one copy, in bfloat16 under bfloat16 precision</param>
    /// <returns>(N, C, H, W)</returns>
    public static Tensor LeakyRelu(Tensor y /* (N, C, H, W) */, bool feedsConvolutions) =>
        F.leaky_relu(feedsConvolutions ? ConvolutionKernels.ForConvolution(y) : y, 0.2, inplace: true);
}
