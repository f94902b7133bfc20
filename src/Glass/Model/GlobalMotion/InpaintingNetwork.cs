using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.GlobalMotion;

/// <summary>What the inpainting network returns.</summary>
public sealed record InpaintingResult(
    Tensor PatchedBackgrounds /* (B, T, 3, H, W): masked pixels set to -1.1 */,
    Tensor InpaintedBackgrounds /* (B, T, 3, H, W) */);

/// <summary>
/// Background inpainting: masked pixels are replaced by the out-of-domain value -1.1, an encoder
/// (SameBlocks b (res/2), 2b (res/4), 2b, 4b (res/8), 4b) and decoder (SameBlock 4b, UpBlocks 2b, 2b, b,
/// SameBlock 3) fill them, and known pixels are kept (combine). Paper base width b = 16.
/// </summary>
public sealed class InpaintingNetwork : nn.Module
{
    public const double OutOfDomainValue = -1.1;

    readonly Sequential inpainting_network_down;
    readonly Sequential inpainting_network_up;

    public InpaintingNetwork(int baseChannels = 16) : base(nameof(InpaintingNetwork))
    {
        int b = baseChannels;
        // Every block but the last feeds only convolutions.
        inpainting_network_down = nn.Sequential(
            new SameBlock(3, b, 2, feedsConvolutions: true),          // res / 2
            new SameBlock(b, 2 * b, 2, feedsConvolutions: true),      // res / 4
            new SameBlock(2 * b, 2 * b, feedsConvolutions: true),     // res / 4
            new SameBlock(2 * b, 4 * b, 2, feedsConvolutions: true),  // res / 8
            new SameBlock(4 * b, 4 * b, feedsConvolutions: true));    // res / 8
        inpainting_network_up = nn.Sequential(
            new SameBlock(4 * b, 4 * b, feedsConvolutions: true),     // res / 8
            new UpBlock(4 * b, 2 * b, feedsConvolutions: true),       // res / 4
            new UpBlock(2 * b, 2 * b, feedsConvolutions: true),       // res / 2
            new UpBlock(2 * b, b, feedsConvolutions: true),           // res
            new SameBlock(b, 3));                                     // res
        RegisterComponents();
    }

    /// <summary>
    /// Inpaints backgrounds. <paramref name="enlargeMasks"/> grows the masks by one pixel (3x3 max-pool,
    /// stride 1) before patching, so the agent's soft border does not leak into the background. The
    /// reference has this switch too (its generated path asks for it) but its result is never used: the
    /// max-pooled masks are assigned and then ignored (and, max_pool2d's stride defaulting to the kernel size 3,
    /// they would not even have the frame's size). So the model's forward pass, which must match the
    /// reference, passes false, and its generated path reuses the first inpainted background.
    /// </summary>
    public InpaintingResult Forward(Tensor observations /* (B, T, 3, H, W) */, Tensor masks /* (B, T, 1, H, W) */,
        bool combine = true, bool enlargeMasks = false)
    {
        using var scope = NewDisposeScope();
        long t = observations.shape[1];
        // Written as the reference's union with an all-zero random mask, 1 - (1 - m) * 1, to keep its rounding.
        var union = 1 - (1 - masks);
        if (enlargeMasks)
            union = TensorFolder.Fold(F.max_pool2d(TensorFolder.Flatten(union), [3, 3], [1, 1], [1, 1]), t);
        var keep = 1 - union;
        var patched = OutOfDomainValue * union + observations * keep;
        var inpainted = inpainting_network_up.forward(inpainting_network_down.forward(TensorFolder.Flatten(patched)));
        var folded = TensorFolder.Fold(inpainted, t);
        if (combine) folded = observations * keep + folded * union;
        return new InpaintingResult(patched.MoveToOuterDisposeScope(), folded.MoveToOuterDisposeScope());
    }
}
