using Glass.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Layers;

/// <summary>
/// conv3x3 -> avg-pool(down) -> BN -> LeakyReLU(0.2) -> conv3x3 -> BN, plus a shortcut (identity, or
/// conv1x1 -> avg-pool(down) -> BN when the shape changes), then LeakyReLU(0.2). The shortcut is a
/// Sequential so its parameters are named downsample.0 / downsample.2 as in the reference.
/// With <c>feedsConvolutions</c> the output is in the convolutions' precision (<see cref="ConvolutionKernels.ForConvolution"/>),
/// and so are the BatchNorms before it (<see cref="ConvolutionKernels.Conv2d"/>'s keepBFloat16), as conv2's input always is.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly GuardedConv2d conv1;
    readonly BatchNorm2d bn1;
    readonly GuardedConv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;
    // The same two modules as downsample.0 and downsample.2 (a tuple field is not registered again).
    readonly (GuardedConv2d Conv, BatchNorm2d Norm)? shortcut;
    readonly int downsampleFactor;
    readonly bool feedsConvolutions;

    public ResidualBlock(int inChannels, int outChannels, int downsampleFactor = 1, bool feedsConvolutions = false) : base(nameof(ResidualBlock))
    {
        this.downsampleFactor = downsampleFactor;
        this.feedsConvolutions = feedsConvolutions;
        conv1 = new GuardedConv2d(inChannels, outChannels, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = new GuardedConv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (downsampleFactor != 1 || inChannels != outChannels)
        {
            var conv = new GuardedConv2d(inChannels, outChannels, 1, bias: false);
            var norm = nn.BatchNorm2d(outChannels);
            downsample = nn.Sequential(conv, nn.AvgPool2d(downsampleFactor), norm);
            shortcut = (conv, norm);
        }
        RegisterComponents();
    }

    /// <returns>(N, out, H/down, W/down)</returns>
    public override Tensor forward(Tensor x /* (N, in, H, W) */)
    {
        using var scope = NewDisposeScope();
        // conv2 alone reads this activation.
        var y = bn1.forward(PooledConvolution.Conv3x3AvgPool(conv1, x, downsampleFactor, keepBFloat16: true));
        y = BlockActivation.LeakyRelu(y, feedsConvolutions: true);
        y = bn2.forward(conv2.Convolve(y, keepBFloat16: feedsConvolutions));
        // 1x1 convolution and average pooling commute; pooling first does a quarter of the multiply-adds.
        var identity = shortcut is not { } sc ? x
            : sc.Norm.forward(sc.Conv.Convolve(downsampleFactor == 1 ? x : F.avg_pool2d(x, downsampleFactor), keepBFloat16: feedsConvolutions));
        y.add_(identity);
        return BlockActivation.LeakyRelu(y, feedsConvolutions).MoveToOuterDisposeScope();
    }
}
