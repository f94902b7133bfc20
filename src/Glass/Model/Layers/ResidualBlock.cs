using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Layers;

/// <summary>
/// conv3x3 -> avg-pool(down) -> BN -> LeakyReLU(0.2) -> conv3x3 -> BN, plus a shortcut (identity, or
/// conv1x1 -> avg-pool(down) -> BN when the shape changes), then LeakyReLU(0.2). The shortcut is a
/// Sequential so its parameters are named downsample.0 / downsample.2 as in the reference.
/// </summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;
    readonly int downsampleFactor;

    public ResidualBlock(int inChannels, int outChannels, int downsampleFactor = 1) : base(nameof(ResidualBlock))
    {
        this.downsampleFactor = downsampleFactor;
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        if (downsampleFactor != 1 || inChannels != outChannels)
            downsample = nn.Sequential(
                nn.Conv2d(inChannels, outChannels, 1, bias: false),
                nn.AvgPool2d(downsampleFactor),
                nn.BatchNorm2d(outChannels));
        RegisterComponents();
    }

    /// <returns>(N, out, H/down, W/down)</returns>
    public override Tensor forward(Tensor x /* (N, in, H, W) */)
    {
        using var scope = NewDisposeScope();
        var y = conv1.forward(x);
        // The reference pools with factor 1 too; that is the identity, so it is skipped.
        if (downsampleFactor != 1) y = F.avg_pool2d(y, downsampleFactor);
        y = F.leaky_relu(bn1.forward(y), 0.2, inplace: true);
        y = bn2.forward(conv2.forward(y));
        var identity = downsample is null ? x : downsample.forward(x);
        y.add_(identity);
        return F.leaky_relu(y, 0.2, inplace: true).MoveToOuterDisposeScope();
    }
}
