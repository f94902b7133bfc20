using Glass.Checkpoints;
using Glass.IO;
using Glass.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Evaluation.Networks;

/// <summary>The Inception-v3 of FID (TensorFlow's 2015-12-05 graph as ported by pytorch-fid, the reference's
/// feature extractor): torchvision's Inception3 layers with TensorFlow's pooling quirks (average pools that ignore
/// padding; max pool in the last block), returning the 2048-d final average-pool features. Input frames in [0, 1]
/// are resized bilinearly to 299×299 and scaled to [-1, 1], as pytorch-fid does. Parameter names are pytorch-fid's
/// <c>pt_inception-2015-12-05</c> file's (torchvision's): <c>Conv2d_1a_3x3.conv.weight</c>,
/// <c>Mixed_5b.branch1x1.bn.running_mean</c>, …; its <c>fc.*</c> classifier is not used.</summary>
public sealed class FidInceptionV3 : nn.Module<Tensor, Tensor>
{
    public const int FeatureDimension = 2048;

    readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    readonly InceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    readonly InceptionB Mixed_6a;
    readonly InceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    readonly InceptionD Mixed_7a;
    readonly InceptionE Mixed_7b, Mixed_7c;

    public FidInceptionV3() : base("FIDInceptionV3")
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, (3, 3), stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, (3, 3));
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, (3, 3), padding: (1, 1));
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, (1, 1));
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, (3, 3));
        Mixed_5b = new InceptionA(192, 32);
        Mixed_5c = new InceptionA(256, 64);
        Mixed_5d = new InceptionA(288, 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new InceptionC(768, 128);
        Mixed_6c = new InceptionC(768, 160);
        Mixed_6d = new InceptionC(768, 160);
        Mixed_6e = new InceptionC(768, 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new InceptionE(1280, maxPoolBranch: false);
        Mixed_7c = new InceptionE(2048, maxPoolBranch: true);
        RegisterComponents();
        eval();
    }

    /// <summary>Pool features of images in [0, 1]: (N, 3, H, W) → (N, 2048).</summary>
    public override Tensor forward(Tensor images /* (N, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = F.interpolate(images, size: [299, 299], mode: InterpolationMode.Bilinear, align_corners: false);
        x = 2 * x - 1;
        x = Conv2d_2b_3x3.call(Conv2d_2a_3x3.call(Conv2d_1a_3x3.call(x)));
        x = F.max_pool2d(x, 3, stride: 2);
        x = Conv2d_4a_3x3.call(Conv2d_3b_1x1.call(x));
        x = F.max_pool2d(x, 3, stride: 2);
        x = Mixed_5d.call(Mixed_5c.call(Mixed_5b.call(x)));
        x = Mixed_6e.call(Mixed_6d.call(Mixed_6c.call(Mixed_6b.call(Mixed_6a.call(x)))));
        x = Mixed_7c.call(Mixed_7b.call(Mixed_7a.call(x)));
        return x.mean([2, 3]).MoveToOuterDisposeScope();
    }

    public static FidInceptionV3 Load(string path, Device device)
    {
        var network = new FidInceptionV3();
        StateDictCopy.Published(path, "pytorch-fid's Inception-v3 weights (pt_inception-2015-12-05-6726825d.pth: Conv2d_1a_3x3.conv.weight, Mixed_5b..Mixed_7c, fc)").Into(network, StateDictFile.Read(path));
        network.to(device);
        return network;
    }

    /// <summary>TensorFlow's average pool of the FID graph: 3×3, stride 1, padding excluded from the mean.</summary>
    static Tensor AveragePool(Tensor x) => F.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);

    sealed class BasicConv2d : nn.Module<Tensor, Tensor>
    {
        readonly nn.Module<Tensor, Tensor> conv, bn;

        public BasicConv2d(long inChannels, long outChannels, (long, long) kernel, long stride = 1, (long, long)? padding = null)
            : base("BasicConv2d")
        {
            conv = new GuardedConv2d(inChannels, outChannels, kernel, (stride, stride), padding ?? (0, 0), bias: false);
            bn = nn.BatchNorm2d(outChannels, eps: 0.001);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => F.relu(bn.call(conv.call(x)));
    }

    sealed class InceptionA : nn.Module<Tensor, Tensor>
    {
        readonly BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

        public InceptionA(long inChannels, long poolFeatures) : base("InceptionA")
        {
            branch1x1 = new BasicConv2d(inChannels, 64, (1, 1));
            branch5x5_1 = new BasicConv2d(inChannels, 48, (1, 1));
            branch5x5_2 = new BasicConv2d(48, 64, (5, 5), padding: (2, 2));
            branch3x3dbl_1 = new BasicConv2d(inChannels, 64, (1, 1));
            branch3x3dbl_2 = new BasicConv2d(64, 96, (3, 3), padding: (1, 1));
            branch3x3dbl_3 = new BasicConv2d(96, 96, (3, 3), padding: (1, 1));
            branch_pool = new BasicConv2d(inChannels, poolFeatures, (1, 1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat([
            branch1x1.call(x),
            branch5x5_2.call(branch5x5_1.call(x)),
            branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x))),
            branch_pool.call(AveragePool(x)),
        ], 1);
    }

    sealed class InceptionB : nn.Module<Tensor, Tensor>
    {
        readonly BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

        public InceptionB(long inChannels) : base("InceptionB")
        {
            branch3x3 = new BasicConv2d(inChannels, 384, (3, 3), stride: 2);
            branch3x3dbl_1 = new BasicConv2d(inChannels, 64, (1, 1));
            branch3x3dbl_2 = new BasicConv2d(64, 96, (3, 3), padding: (1, 1));
            branch3x3dbl_3 = new BasicConv2d(96, 96, (3, 3), stride: 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat([
            branch3x3.call(x),
            branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x))),
            F.max_pool2d(x, 3, stride: 2),
        ], 1);
    }

    sealed class InceptionC : nn.Module<Tensor, Tensor>
    {
        readonly BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3,
            branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branch_pool;

        public InceptionC(long inChannels, long c7) : base("InceptionC")
        {
            branch1x1 = new BasicConv2d(inChannels, 192, (1, 1));
            branch7x7_1 = new BasicConv2d(inChannels, c7, (1, 1));
            branch7x7_2 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
            branch7x7_3 = new BasicConv2d(c7, 192, (7, 1), padding: (3, 0));
            branch7x7dbl_1 = new BasicConv2d(inChannels, c7, (1, 1));
            branch7x7dbl_2 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
            branch7x7dbl_3 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
            branch7x7dbl_4 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
            branch7x7dbl_5 = new BasicConv2d(c7, 192, (1, 7), padding: (0, 3));
            branch_pool = new BasicConv2d(inChannels, 192, (1, 1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat([
            branch1x1.call(x),
            branch7x7_3.call(branch7x7_2.call(branch7x7_1.call(x))),
            branch7x7dbl_5.call(branch7x7dbl_4.call(branch7x7dbl_3.call(branch7x7dbl_2.call(branch7x7dbl_1.call(x))))),
            branch_pool.call(AveragePool(x)),
        ], 1);
    }

    sealed class InceptionD : nn.Module<Tensor, Tensor>
    {
        readonly BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

        public InceptionD(long inChannels) : base("InceptionD")
        {
            branch3x3_1 = new BasicConv2d(inChannels, 192, (1, 1));
            branch3x3_2 = new BasicConv2d(192, 320, (3, 3), stride: 2);
            branch7x7x3_1 = new BasicConv2d(inChannels, 192, (1, 1));
            branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3));
            branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0));
            branch7x7x3_4 = new BasicConv2d(192, 192, (3, 3), stride: 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat([
            branch3x3_2.call(branch3x3_1.call(x)),
            branch7x7x3_4.call(branch7x7x3_3.call(branch7x7x3_2.call(branch7x7x3_1.call(x)))),
            F.max_pool2d(x, 3, stride: 2),
        ], 1);
    }

    sealed class InceptionE : nn.Module<Tensor, Tensor>
    {
        readonly BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b,
            branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;
        readonly bool maxPoolBranch;

        /// <param name="maxPoolBranch">the FID graph's last block pools with max instead of average.</param>
        public InceptionE(long inChannels, bool maxPoolBranch) : base("InceptionE")
        {
            this.maxPoolBranch = maxPoolBranch;
            branch1x1 = new BasicConv2d(inChannels, 320, (1, 1));
            branch3x3_1 = new BasicConv2d(inChannels, 384, (1, 1));
            branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
            branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
            branch3x3dbl_1 = new BasicConv2d(inChannels, 448, (1, 1));
            branch3x3dbl_2 = new BasicConv2d(448, 384, (3, 3), padding: (1, 1));
            branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
            branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
            branch_pool = new BasicConv2d(inChannels, 192, (1, 1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var b3 = branch3x3_1.call(x);
            var bd = branch3x3dbl_2.call(branch3x3dbl_1.call(x));
            var pooled = maxPoolBranch ? F.max_pool2d(x, 3, stride: 1, padding: 1) : AveragePool(x);
            return cat([
                branch1x1.call(x),
                branch3x3_2a.call(b3), branch3x3_2b.call(b3),
                branch3x3dbl_3a.call(bd), branch3x3dbl_3b.call(bd),
                branch_pool.call(pooled),
            ], 1);
        }
    }
}
