using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.GlobalMotion;

/// <summary>
/// Segmentation network, per frame: conv3x3 (stem) + BN + LeakyReLU; ResidualBlocks stem->hidden (res/2),
/// hidden->hidden (res/4), <c>numExtraBlocks</c> more at res/4; UpBlock hidden->decoder (res/2),
/// ResidualBlock, UpBlock decoder->decoder (res), ResidualBlock, conv3x3 -> 1, sigmoid.
/// Paper widths: stem 64, hidden 256, 9 extra blocks, decoder 64.
/// </summary>
public sealed class MaskingNetwork : nn.Module<Tensor, Tensor>
{
    readonly GuardedConv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Sequential residuals;

    public MaskingNetwork(int inChannels = 3, int stemChannels = 64, int hiddenChannels = 256, int numExtraBlocks = 9, int decoderChannels = 64)
        : base(nameof(MaskingNetwork))
    {
        conv1 = new GuardedConv2d(inChannels, stemChannels, 3, padding: 1, bias: true);
        bn1 = nn.BatchNorm2d(stemChannels);
        var blocks = new List<nn.Module<Tensor, Tensor>>
        {
            new ResidualBlock(stemChannels, hiddenChannels, 2, feedsConvolutions: true),   // res / 2
            new ResidualBlock(hiddenChannels, hiddenChannels, 2, feedsConvolutions: true), // res / 4
        };
        for (int i = 0; i < numExtraBlocks; i++) blocks.Add(new ResidualBlock(hiddenChannels, hiddenChannels, feedsConvolutions: true)); // res / 4
        blocks.Add(new UpBlock(hiddenChannels, decoderChannels, feedsConvolutions: true));          // res / 2
        blocks.Add(new ResidualBlock(decoderChannels, decoderChannels, feedsConvolutions: true));
        blocks.Add(new UpBlock(decoderChannels, decoderChannels, feedsConvolutions: true));         // res
        blocks.Add(new ResidualBlock(decoderChannels, decoderChannels, feedsConvolutions: true));
        blocks.Add(new GuardedConv2d(decoderChannels, 1, 3, padding: 1, bias: true));
        residuals = nn.Sequential(blocks);
        RegisterComponents();
    }

    /// <returns>masks (N, 1, H, W) in [0, 1]</returns>
    public override Tensor forward(Tensor frames /* (N, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        // Every activation inside feeds only convolutions, so it is kept in their precision (bfloat16 halves its memory).
        var x = BlockActivation.LeakyRelu(bn1.forward(conv1.Convolve(frames, keepBFloat16: true)), feedsConvolutions: true);
        return residuals.forward(x).sigmoid_().MoveToOuterDisposeScope();
    }
}
