using Glass.Checkpoints;
using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// The VGG-19 feature extractor of the perceptual losses: torchvision's `vgg19().features` up to
/// relu5_1, cut into the five slices relu1_1, relu2_1, relu3_1, relu4_1, relu5_1 as the reference
/// does. Fed the [-1, 1] images directly (the reference applies no ImageNet normalisation).
/// Parameter names are torchvision's (`features.N.weight`), so its `vgg19` state_dict loads as is.
/// </summary>
public sealed class Vgg19 : nn.Module<Tensor, Tensor[]>
{
    /// <summary>torchvision's configuration "E" up to relu5_1: channels, or 0 for a 2x2 max-pool.</summary>
    static readonly int[] Layout = [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512];

    /// <summary>Index in `features` after which each slice ends (relu1_1 = 1, ..., relu5_1 = 29).</summary>
    static readonly int[] SliceEnds = [1, 6, 11, 20, 29];

    readonly Sequential features;
    readonly int slices;

    /// <param name="slices">how many of the five slices to compute (5 = up to relu5_1, as the reference);
    /// fewer build and run only the layers those need</param>
    public Vgg19(int slices = 5) : base(nameof(Vgg19))
    {
        if (slices is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(slices), slices, "VGG-19 has 5 feature slices");
        this.slices = slices;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int inChannels = 3;
        foreach (var c in Layout)
        {
            if (layers.Count > SliceEnds[slices - 1]) break;
            if (c == 0)
            {
                layers.Add((layers.Count.ToString(), nn.MaxPool2d(2, 2)));
                continue;
            }
            layers.Add((layers.Count.ToString(), new GuardedConv2d(inChannels, c, 3, padding: 1)));
            layers.Add((layers.Count.ToString(), nn.ReLU()));
            inChannels = c;
        }
        features = nn.Sequential(layers);
        RegisterComponents();
        foreach (var p in parameters()) p.requires_grad = false;
    }

    /// <param name="x">(N, 3, H, W) in [-1, 1]</param>
    /// <returns>five tensors (N, C_i, H_i, W_i): relu1_1 ... relu5_1; fewer for images too small to pool
    /// down to relu5_1 (16x12, the smallest renderer scale at 64x48, ends at relu4_1)</returns>
    public override Tensor[] forward(Tensor x)
    {
        var outputs = new Tensor[slices];
        int slice = 0;
        int index = 0;
        var input = x;
        foreach (var layer in features.children())
        {
            // A 2x2 pool of a map under 2 pixels high or wide is empty: the deeper slices do not exist.
            if (layer is MaxPool2d && (x.shape[2] < 2 || x.shape[3] < 2)) return outputs[..slice];
            var next = ((nn.Module<Tensor, Tensor>)layer).call(x);
            // Release each intermediate map as soon as the next exists: a dispose scope would otherwise keep every
            // layer's output alive until the training step ends (a paper step peaked 2 GiB higher). Autograd keeps its
            // own reference to what the backward pass needs, so this frees only what nothing reads again.
            if (!ReferenceEquals(x, input) && (slice == 0 || !ReferenceEquals(x, outputs[slice - 1]))) x.Dispose();
            x = next;
            if (index == SliceEnds[slice])
            {
                outputs[slice++] = x;
                if (slice == slices) break;
            }
            index++;
        }
        return outputs;
    }

    /// <summary>The names and shapes a weight file must provide (torchvision keys of the convs used).</summary>
    public IReadOnlyDictionary<string, long[]> ExpectedWeights() =>
        state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    /// <summary>Loads torchvision `vgg19` weights (`features.N.weight/bias`); keys we do not use
    /// (classifier, deeper features) are ignored; any missing or mis-shaped key is an error.</summary>
    public void LoadWeights(IReadOnlyDictionary<string, Tensor> weights, string source) =>
        StateDictCopy.Published(source, "a torchvision vgg19 state_dict (features.N.weight/bias up to features.28)").Into(this, weights);
}
