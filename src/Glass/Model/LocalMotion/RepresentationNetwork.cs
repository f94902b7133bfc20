using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.LocalMotion;

/// <summary>
/// Encoder E of foreground frames: conv3x3 (no bias), avg-pool 2, BN, LeakyReLU; ResidualBlocks b, 2b (res/4),
/// 2b, 4b (res/8), 4b, S+1. The first S channels are the state, the last one an attention map.
/// Paper b = 16, S = 64.
/// </summary>
public sealed class RepresentationNetwork : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Sequential residuals;

    public int StateChannels { get; }

    public RepresentationNetwork(int inChannels = 3, int outChannels = 64, int baseChannels = 16) : base(nameof(RepresentationNetwork))
    {
        int b = baseChannels;
        StateChannels = outChannels;
        conv1 = nn.Conv2d(inChannels, b, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(b);
        residuals = nn.Sequential(
            new ResidualBlock(b, b),               // res / 2
            new ResidualBlock(b, 2 * b, 2),        // res / 4
            new ResidualBlock(2 * b, 2 * b),       // res / 4
            new ResidualBlock(2 * b, 4 * b, 2),    // res / 8
            new ResidualBlock(4 * b, 4 * b),       // res / 8
            new ResidualBlock(4 * b, outChannels + 1)); // res / 8
        RegisterComponents();
    }

    /// <returns>(N, S+1, H/8, W/8): state channels then the attention channel</returns>
    public override Tensor forward(Tensor frames /* (N, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        var x = PooledConvolution.Conv3x3AvgPool2(frames, conv1.weight);
        x = F.leaky_relu(bn1.forward(x), 0.2, inplace: true);
        return residuals.forward(x).MoveToOuterDisposeScope();
    }
}
