using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>
/// Encoder E of foreground frames: conv3x3 (no bias), avg-pool 2, BN, LeakyReLU; ResidualBlocks b, 2b (res/4),
/// 2b, 4b (res/8), 4b, S+1. The first S channels are the state, the last one an attention map.
/// Paper b = 16, S = 64.
/// </summary>
public sealed class RepresentationNetwork : nn.Module<Tensor, Tensor>
{
    readonly GuardedConv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Sequential residuals;

    public int StateChannels { get; }

    /// <summary>Frame size / state grid size: 8 (the paper) or 4 (the third down-sampling is left out).</summary>
    public int Downsampling { get; }

    public RepresentationNetwork(int inChannels = 3, int outChannels = 64, int baseChannels = 16, int downsampling = 8) : base(nameof(RepresentationNetwork))
    {
        int b = baseChannels;
        StateChannels = outChannels;
        if (downsampling is not (4 or 8)) throw new ArgumentException($"downsampling must be 4 or 8, got {downsampling}");
        Downsampling = downsampling;
        conv1 = new GuardedConv2d(inChannels, b, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(b);
        // Every block but the last (the state and attention) feeds only convolutions.
        residuals = nn.Sequential(
            new ResidualBlock(b, b, feedsConvolutions: true),               // res / 2
            new ResidualBlock(b, 2 * b, 2, feedsConvolutions: true),        // res / 4
            new ResidualBlock(2 * b, 2 * b, feedsConvolutions: true),       // res / 4
            new ResidualBlock(2 * b, 4 * b, downsampling / 4, feedsConvolutions: true), // res / 8 (res / 4 with downsampling 4)
            new ResidualBlock(4 * b, 4 * b, feedsConvolutions: true),       // res / 8
            new ResidualBlock(4 * b, outChannels + 1));                     // res / 8
        RegisterComponents();
    }

    /// <returns>(N, S+1, H/d, W/d), d = Downsampling: state channels then the attention channel</returns>
    public override Tensor forward(Tensor frames /* (N, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        var x = PooledConvolution.Conv3x3AvgPool2(frames, conv1.Weight, keepBFloat16: true);
        x = BlockActivation.LeakyRelu(bn1.forward(x), feedsConvolutions: true);
        return residuals.forward(x).MoveToOuterDisposeScope();
    }
}
