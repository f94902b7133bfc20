using Glass.Model.Layers;
using Glass.Model.LocalMotion;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

/// <summary>
/// Draws a module's initial weights from a private generator, with the default schemes (nn.Conv2d/Linear:
/// weight and bias uniform in ±1/sqrt(fan_in); the VQ codebook uniform in ±1/K; normalisation layers
/// constant). torch's default generator is process-wide and tests run in parallel, so "manual_seed, then
/// construct" gives other weights whenever another test draws random numbers in between.
/// </summary>
static class SeededWeights
{
    public static void Reset(nn.Module model, long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        var drawn = new HashSet<string>(); // parameter names, as in named_parameters()
        using var _ = no_grad();
        foreach (var (name, module) in model.named_modules())
        {
            string Name(string parameter) => name.Length == 0 ? parameter : $"{name}.{parameter}";
            void Uniform(string parameter, Tensor? p, double bound)
            {
                if (p is null) return;
                p.uniform_(-bound, bound, generator);
                drawn.Add(Name(parameter));
            }
            // kaiming_uniform_(a = sqrt 5) as nn.Conv2d/Linear: weight and bias in ±1/sqrt(fan_in),
            // fan_in = size(1) * kernel area (nn.Bilinear: in1_features).
            void Layer(Tensor weight, Tensor? bias, long? fanIn = null)
            {
                double bound = 1.0 / Math.Sqrt(fanIn ?? weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b));
                Uniform("weight", weight, bound);
                Uniform("bias", bias, bound);
            }
            switch (module)
            {
                case GuardedConv2d c: Layer(c.Weight, c.Bias); break;
                case Conv2d c: Layer(c.weight!, c.bias); break;
                case ConvTranspose2d c: Layer(c.weight!, c.bias); break;
                case Linear l: Layer(l.weight!, l.bias); break;
                case Bilinear l: Layer(l.weight!, l.bias, fanIn: l.weight!.shape[1]); break;
                case VectorQuantizer q: Uniform("embedding.weight", q.Codebook, 1.0 / q.NumCodes); break;
                case ModulatedConvBlock m:
                    // torch.randn, as the layer's own constructor.
                    m.named_parameters(recurse: false).Single(p => p.name == "weight").parameter.normal_(0, 1, generator);
                    drawn.Add(Name("weight"));
                    break;
            }
        }
        // Anything else with parameters must start constant (normalisation layers, initial LSTM states); a new
        // kind of layer fails here instead of silently keeping weights from the shared generator.
        using var scope = NewDisposeScope();
        foreach (var (name, p) in model.named_parameters())
        {
            if (drawn.Contains(name) || p.numel() <= 1) continue;
            if ((p.max() - p.min()).item<float>() != 0)
                throw new InvalidOperationException($"SeededWeights does not know how to draw '{name}' {string.Join("x", p.shape)}; add its layer type");
        }
    }
}
