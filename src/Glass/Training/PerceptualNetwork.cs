using Glass.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// The frozen VGG-19 behind both perceptual losses. ImageNet weights cannot be downloaded here, so
/// `training.perceptual.mode` says where its weights come from: "vgg" (a torchvision vgg19 state_dict
/// the user supplies in `training.perceptual.vgg_weights`), "random" (fixed random features from a
/// seeded initialisation), or "off" (no perceptual terms).
/// </summary>
public sealed class PerceptualNetwork : IDisposable
{
    readonly Vgg19 _vgg;

    /// <summary>A human-readable account of where the features come from, for the run log.</summary>
    public string Description { get; }

    /// <summary>Moves the frozen network to the device, in eval mode and channels-last (1.3x faster features).</summary>
    PerceptualNetwork(Vgg19 vgg, Device device, string description)
    {
        vgg.to(device).eval();
        ChannelsLast.Apply(vgg);
        _vgg = vgg;
        Description = description;
    }

    /// <summary>Builds the network the config asks for, or null for mode "off".</summary>
    /// <param name="mode">"vgg", "random" or "off"</param>
    /// <param name="weightsPath">torchvision vgg19 `.pth` (mode "vgg")</param>
    /// <param name="slices">feature slices compared, 1..5 (relu1_1 ... relu5_1)</param>
    public static PerceptualNetwork? Create(string mode, string? weightsPath, Device device, long randomSeed = 0, int slices = 5)
    {
        switch (mode)
        {
            case "off":
                return null;
            case "random":
            {
                // A private generator (not the global one other threads use) keeps the features
                // identical across runs and resumes; torchvision's VGG init: kaiming-normal (fan_out), zero bias.
                using var generator = new torch.Generator((ulong)randomSeed);
                var vgg = new Vgg19(slices);
                using (torch.no_grad())
                    foreach (var (name, p) in vgg.named_parameters())
                    {
                        if (name.EndsWith(".bias")) p.zero_();
                        else p.normal_(0, Math.Sqrt(2.0 / (p.shape[0] * p.shape[2] * p.shape[3])), generator: generator);
                    }
                return new PerceptualNetwork(vgg, device, $"fixed random VGG-19 features (seed {randomSeed}), not ImageNet weights");
            }
            case "vgg":
            {
                if (string.IsNullOrEmpty(weightsPath))
                    throw new GlassException(
                        "the perceptual losses need VGG-19 weights: set training.perceptual.vgg_weights to torchvision's vgg19 state_dict (.pth), " +
                        "or choose explicitly in the config training.perceptual.mode: random (fixed random features) or off (no perceptual terms)")
                    { Input = GlassInput.VggWeights };
                if (!File.Exists(weightsPath)) throw new GlassException($"{weightsPath}: VGG-19 weights file not found (training.perceptual.vgg_weights)");
                var vgg = new Vgg19(slices);
                vgg.LoadWeights(Glass.Checkpoints.StateDictFile.Read(weightsPath), weightsPath);
                return new PerceptualNetwork(vgg, device, $"VGG-19 weights from {weightsPath}");
            }
            default:
                throw new GlassException($"training.perceptual.mode: unknown value '{mode}' (use vgg, random or off)");
        }
    }

    /// <param name="x">(N, 3, H, W) in [-1, 1]</param>
    /// <returns>relu1_1 ... relu5_1 features</returns>
    public Tensor[] Features(Tensor x) => _vgg.call(x);

    public void Dispose() => _vgg.Dispose();
}
