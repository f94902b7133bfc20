using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.GlobalMotion;

/// <summary>
/// Predicts the 2D shift between two frames (6 input channels): SameBlocks b (res/2), 2b (res/4), 2b,
/// 4b (res/8), 8b; global average pool; Linear 8b->4b, BN1d, LeakyReLU; Linear 4b->2b, BN1d, LeakyReLU;
/// Linear 2b->2. The last layer starts at zero weights and a tiny random bias. Paper b = 16.
/// </summary>
public sealed class MotionNetwork : nn.Module<Tensor, Tensor>
{
    readonly Sequential motion_predictor;

    public MotionNetwork(int baseChannels = 16) : base(nameof(MotionNetwork))
    {
        int b = baseChannels;
        var last = nn.Linear(2 * b, 2);
        // The first four blocks feed only convolutions; the fifth feeds the pooling and the linear layers.
        motion_predictor = nn.Sequential(
            new SameBlock(6, b, 2, feedsConvolutions: true),          // res / 2
            new SameBlock(b, 2 * b, 2, feedsConvolutions: true),      // res / 4
            new SameBlock(2 * b, 2 * b, feedsConvolutions: true),     // res / 4
            new SameBlock(2 * b, 4 * b, 2, feedsConvolutions: true),  // res / 8
            new SameBlock(4 * b, 8 * b),                              // res / 8
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(8 * b, 4 * b),
            nn.BatchNorm1d(4 * b),
            nn.LeakyReLU(0.2),
            nn.Linear(4 * b, 2 * b),
            nn.BatchNorm1d(2 * b),
            nn.LeakyReLU(0.2),
            last);
        using (torch.no_grad())
        {
            last.weight!.zero_();
            last.bias!.copy_(0.0001 * torch.randn(2));
        }
        RegisterComponents();
    }

    /// <returns>shifts (B, T, 2) in normalised image units</returns>
    public override Tensor forward(Tensor framePairs /* (B, T, 6, H, W) */)
    {
        using var scope = NewDisposeScope();
        var y = motion_predictor.forward(TensorFolder.Flatten(framePairs));
        return TensorFolder.Fold(y, framePairs.shape[1]).MoveToOuterDisposeScope();
    }
}
