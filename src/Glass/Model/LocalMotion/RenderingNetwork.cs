using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>Rendered foregrounds at three scales and the foreground mask.</summary>
public sealed record RenderingResult(
    Tensor[] Foregrounds /* [full (N, 3, H, W), half (N, 3, H/2, W/2), quarter (N, 3, H/4, W/4)] */,
    Tensor Masks /* (N, 1, H, W) in [0, 1] */);

/// <summary>
/// Decoder of dynamics states: UpBlock in->4b + ResidualBlock 4b (2x state res), UpBlock 4b->2b +
/// ResidualBlock 2b (4x), UpBlock 2b->b (8x); FinalBlocks (tanh) give the image at each scale; the
/// full-scale one (7x7) has an extra channel that becomes the mask 0.5 * (x + 1). Paper b = 32.
/// </summary>
public sealed class RenderingNetwork : nn.Module
{
    readonly ModuleList<nn.Module<Tensor, Tensor>> upsample_blocks;
    readonly ModuleList<FinalBlock> final_blocks;

    /// <param name="upsampling">frame size / state grid size: 8 (the paper) or 4 (the first block does not upsample)</param>
    public RenderingNetwork(int inChannels = 32, int outChannels = 3, int baseChannels = 32, int upsampling = 8) : base(nameof(RenderingNetwork))
    {
        if (upsampling is not (4 or 8)) throw new ArgumentException($"upsampling must be 4 or 8, got {upsampling}");
        int b = baseChannels;
        upsample_blocks = new ModuleList<nn.Module<Tensor, Tensor>>(
            // Each block's output feeds only convolutions: the next block's and a final block's.
            nn.Sequential(new UpBlock(inChannels, 4 * b, upsampling / 4, feedsConvolutions: true), new ResidualBlock(4 * b, 4 * b, feedsConvolutions: true)),
            nn.Sequential(new UpBlock(4 * b, 2 * b, feedsConvolutions: true), new ResidualBlock(2 * b, 2 * b, feedsConvolutions: true)),
            new UpBlock(2 * b, b, feedsConvolutions: true));
        final_blocks = new ModuleList<FinalBlock>(
            new FinalBlock(4 * b, outChannels, 3),
            new FinalBlock(2 * b, outChannels, 3),
            new FinalBlock(b, outChannels + 1, 7));
        RegisterComponents();
    }

    public RenderingResult Forward(Tensor states /* (N, in, h, w) */)
    {
        using var scope = NewDisposeScope();
        var images = new Tensor[3];
        var x = states;
        for (int i = 0; i < 3; i++)
        {
            x = upsample_blocks[i].forward(x);
            images[2 - i] = final_blocks[i].forward(x); // full resolution first
        }
        var full = images[0];
        long c = full.shape[1];
        var masks = 0.5 * (full[.., (int)(c - 1)..(int)c] + 1);
        images[0] = full[.., ..(int)(c - 1)];
        return new RenderingResult(images.Select(t => t.MoveToOuterDisposeScope()).ToArray(), masks.MoveToOuterDisposeScope());
    }

    /// <summary>Renders sequences (B, T, in, h, w).</summary>
    public RenderingResult ForwardSequence(Tensor states /* (B, T, in, h, w) */)
    {
        using var scope = NewDisposeScope();
        long t = states.shape[1];
        var r = Forward(TensorFolder.Flatten(states));
        return new RenderingResult(
            r.Foregrounds.Select(f => TensorFolder.Fold(f, t).MoveToOuterDisposeScope()).ToArray(),
            TensorFolder.Fold(r.Masks, t).MoveToOuterDisposeScope());
    }
}
