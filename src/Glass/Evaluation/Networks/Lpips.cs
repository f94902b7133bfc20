using Glass.Checkpoints;
using Glass.IO;
using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Evaluation.Networks;

/// <summary>The backbone whose ReLU features LPIPS compares.</summary>
public enum LpipsBackbone { AlexNet, Vgg16 }

/// <summary>LPIPS v0.1 (Zhang et al. 2018, the <c>lpips</c> package): unit-normalise five ReLU feature maps of a
/// torchvision AlexNet or VGG-16 (after LPIPS's fixed input scaling), square their differences, weight the channels
/// with the learned 1×1 "lin" layers, average spatially and sum over layers. Parameter names are those of the
/// published files: the backbone's <c>features.N.*</c> (torchvision) and <c>lin0..lin4.model.1.weight</c> (LPIPS);
/// a full <c>lpips.LPIPS().state_dict()</c> (<c>net.sliceK.N.*</c>) is accepted too.</summary>
public sealed class Lpips : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<nn.Module<Tensor, Tensor>> features;
    readonly LinearLayer lin0, lin1, lin2, lin3, lin4;
    readonly int[] sliceEnds;
    public LpipsBackbone Backbone { get; }

    public Lpips(LpipsBackbone backbone) : base("LPIPS")
    {
        Backbone = backbone;
        int[] channels;
        (features, channels, sliceEnds) = backbone == LpipsBackbone.AlexNet ? AlexNetFeatures() : Vgg16Features();
        lin0 = new LinearLayer(channels[0]);
        lin1 = new LinearLayer(channels[1]);
        lin2 = new LinearLayer(channels[2]);
        lin3 = new LinearLayer(channels[3]);
        lin4 = new LinearLayer(channels[4]);
        RegisterComponents();
        eval();
    }

    /// <summary>Distance per image pair; images (N, 3, H, W) in [-1, 1]. Returns (N).</summary>
    public override Tensor forward(Tensor image0 /* (N, 3, H, W) */, Tensor image1 /* (N, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var feats0 = Features(Scale(image0));
        var feats1 = Features(Scale(image1));
        LinearLayer[] lins = [lin0, lin1, lin2, lin3, lin4];
        Tensor total = zeros(image0.shape[0], device: image0.device);
        for (int k = 0; k < lins.Length; k++)
        {
            var difference = (UnitNormalize(feats0[k]) - UnitNormalize(feats1[k])).square();
            total = total + lins[k].call(difference).mean([1, 2, 3]);
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>Distance per image pair for images in [0, 1] (the reference's <c>normalize=True</c>). Returns (N).</summary>
    public Tensor Distance01(Tensor image0 /* (N, 3, H, W) */, Tensor image1 /* (N, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        return forward(image0 * 2 - 1, image1 * 2 - 1).MoveToOuterDisposeScope();
    }

    /// <summary>LPIPS's ScalingLayer: (x − shift) / scale with its fixed per-channel constants.</summary>
    static Tensor Scale(Tensor x)
    {
        var shift = tensor(new[] { -.030f, -.088f, -.188f }, device: x.device).reshape(1, 3, 1, 1);
        var scale = tensor(new[] { .458f, .448f, .450f }, device: x.device).reshape(1, 3, 1, 1);
        return (x - shift) / scale;
    }

    static Tensor UnitNormalize(Tensor f) => f / (f.square().sum(1, keepdim: true).sqrt() + 1e-10);

    List<Tensor> Features(Tensor x)
    {
        var outputs = new List<Tensor>();
        int layer = 0;
        foreach (var end in sliceEnds)
        {
            for (; layer < end; layer++) x = features[layer].call(x);
            outputs.Add(x);
        }
        return outputs;
    }

    /// <summary>Reads the weights: <paramref name="lpipsFile"/> holds the lin layers (or a whole LPIPS state_dict);
    /// <paramref name="backboneFile"/> (torchvision's alexnet/vgg16 state_dict) is needed unless the first file
    /// already holds the backbone. The backbone is recognised from the lin layers' channel counts.</summary>
    public static Lpips Load(string lpipsFile, string? backboneFile, Device device)
    {
        var weights = StateDictFile.Read(lpipsFile);
        var backbone = DetectBackbone(weights, lpipsFile);
        if (backboneFile is not null)
            foreach (var (k, v) in StateDictFile.Read(backboneFile)) weights.TryAdd(k, v);
        var network = new Lpips(backbone);
        var layout = $"LPIPS with a torchvision {(backbone == LpipsBackbone.AlexNet ? "AlexNet" : "VGG-16")} backbone " +
            "(lin0..lin4.model.1.weight from the lpips weights, features.N.weight/bias from torchvision's " +
            $"{(backbone == LpipsBackbone.AlexNet ? "alexnet" : "vgg16")} state_dict{(backboneFile is null ? ", a file of its own" : "")})";
        var copy = StateDictCopy.Published(backboneFile is null ? lpipsFile : $"{lpipsFile} + {backboneFile}", layout, network.Aliases);
        try
        {
            copy.Into(network, weights);
        }
        catch (GlassException e) when (backboneFile is null)
        {
            // Most often the file holds only the linear layers: the backbone file settles it.
            throw new GlassException(e.Message, e) { Remedy = GlassInput.LpipsBackbone };
        }
        network.to(device);
        return network;
    }

    static LpipsBackbone DetectBackbone(Dictionary<string, Tensor> weights, string path)
    {
        var lin1 = new[] { "lin1.model.1.weight", "lin1.model.0.weight", "lins.1.model.1.weight" }.FirstOrDefault(weights.ContainsKey);
        return lin1 is null
            ? throw new GlassException($"'{path}' is not an LPIPS weights file: no 'lin1.model.1.weight' tensor; pass the lpips package's weights/v0.1/alex.pth or vgg.pth")
            : weights[lin1].shape[1] switch
            {
                192 => LpipsBackbone.AlexNet,
                128 => LpipsBackbone.Vgg16,
                var c => throw new GlassException($"'{path}': LPIPS lin1 has {c} input channels; only AlexNet (192) and VGG-16 (128) backbones are supported"),
            };
    }

    IEnumerable<string> Aliases(string name)
    {
        var parts = name.Split('.');
        if (parts[0] == "features")
        {
            int index = int.Parse(parts[1]);
            int slice = Array.FindIndex(sliceEnds, end => index < end) + 1;
            yield return $"net.slice{slice}.{index}.{parts[2]}";
        }
        else if (parts[0].StartsWith("lin"))
        {
            yield return $"{parts[0]}.model.0.weight"; // saved without the dropout layer
            yield return $"lins.{parts[0][3..]}.model.1.weight";
        }
    }

    static (ModuleList<nn.Module<Tensor, Tensor>>, int[], int[]) AlexNetFeatures() =>
    (
        new ModuleList<nn.Module<Tensor, Tensor>>(
            new GuardedConv2d(3, 64, 11, stride: 4, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            new GuardedConv2d(64, 192, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            new GuardedConv2d(192, 384, 3, padding: 1), nn.ReLU(),
            new GuardedConv2d(384, 256, 3, padding: 1), nn.ReLU(),
            new GuardedConv2d(256, 256, 3, padding: 1), nn.ReLU()),
        [64, 192, 384, 256, 256],
        [2, 5, 8, 10, 12]
    );

    static (ModuleList<nn.Module<Tensor, Tensor>>, int[], int[]) Vgg16Features()
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int inChannels = 3;
        foreach (var block in new[] { (64, 2), (128, 2), (256, 3), (512, 3), (512, 3) })
        {
            if (layers.Count > 0) layers.Add(nn.MaxPool2d(2, 2));
            for (int i = 0; i < block.Item2; i++)
            {
                layers.Add(new GuardedConv2d(inChannels, block.Item1, 3, padding: 1));
                layers.Add(nn.ReLU());
                inChannels = block.Item1;
            }
        }
        // relu1_2, relu2_2, relu3_3, relu4_3, relu5_3
        return (new ModuleList<nn.Module<Tensor, Tensor>>(layers.ToArray()), [64, 128, 256, 512, 512], [4, 9, 16, 23, 30]);
    }

    /// <summary>LPIPS's NetLinLayer: dropout then a bias-free 1×1 conv to one channel (names model.0, model.1).</summary>
    sealed class LinearLayer : nn.Module<Tensor, Tensor>
    {
        readonly ModuleList<nn.Module<Tensor, Tensor>> model;

        public LinearLayer(long channels) : base("NetLinLayer")
        {
            model = new ModuleList<nn.Module<Tensor, Tensor>>(nn.Dropout(), new GuardedConv2d(channels, 1, 1, bias: false));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x /* (N, C, h, w) */) => model[1].call(model[0].call(x));
    }
}
