using Glass.Config;
using Glass.Model;
using Glass.Model.Kernels;
using Glass.Model.Layers;
using Glass.Training;
using Xunit;
using Xunit.Abstractions;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

/// <summary>runtime.convolution_precision: bfloat16 on a whole training step: the loss and global motion's gradients are
/// the float32 step's up to bfloat16 rounding, every gradient reaches the float32 parameters, and what the networks hand to anything
/// but a convolution is float32.</summary>
// The model's initialisation and the Gumbel-softmax noise draw from the process-wide generator.
[Collection(nameof(GlobalTorchRandom))]
public class BFloat16TrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void ATrainingStepInBFloat16TracksFloat32()
    {
        InitializeTorch();
        using var scope = NewDisposeScope();
        var config = new GlassConfig();
        config.Model = TinyModel.Config(32, 16);
        manual_seed(3);
        using var model = new GlassModel(config.Model);
        model.train();
        var x = rand([2, 4, 3, 16, 32], generator: new Generator(5)) * 2 - 1;

        (double Loss, Tensor Gradient /* (P) */) Step(ScalarType precision)
        {
            using var step = NewDisposeScope();
            manual_seed(7);
            model.zero_grad();
            using var use = ConvolutionKernels.Use(new ConvolutionKernels { Precision = precision });
            var forward = TrainingStep.Forward(model, x, 2, 0.4, staged: false, gmaOnly: false);
            foreach (var (name, t) in OutputTensors(forward.Global!))
                Assert.True(t.dtype is ScalarType.Float32 or ScalarType.Int64, $"{name} is {t.dtype} under {precision} convolutions");
            var total = TrainingStep.Losses(forward, config.Training, null, gmaOnly: false).Total;
            total.backward();
            foreach (var (name, p) in model.named_parameters())
            {
                if (p.grad is null) continue;
                Assert.Equal(ScalarType.Float32, p.dtype);
                Assert.Equal(ScalarType.Float32, p.grad.dtype);
                Assert.True(p.grad.isfinite().all().item<bool>(), $"{name}: gradient not finite");
            }
            // Local motion's gradients are compared through the loss only: on this tiny untrained model they already
            // differ between float32 and bfloat16 in direction (cosine about 0.1, with the same action ids), while
            // global motion's, which feed on no discrete choice, agree.
            var gradient = cat(model.GlobalMotionNetworks.SelectMany(n => n.parameters()).Where(p => p.grad is not null)
                .Select(p => p.grad!.flatten()).ToArray());
            return (total.item<float>(), gradient.MoveToOuterDisposeScope());
        }
        var (exact, exactGradient) = Step(ScalarType.Float32);
        var (low, lowGradient) = Step(ScalarType.BFloat16);
        double cosine = nn.functional.cosine_similarity(exactGradient, lowGradient, dim: 0).item<float>();
        output.WriteLine($"loss float32 {exact:F5}, bfloat16 convolutions {low:F5}; global-motion gradient cosine {cosine:F5}");
        Assert.NotEqual(exact, low); // the convolutions did run in bfloat16
        Assert.True(Math.Abs(low - exact) <= 0.05 * exact, $"bfloat16 loss {low} against float32 {exact}");
        Assert.True(cosine >= 0.98, $"bfloat16 global-motion gradient against float32: cosine {cosine}");
    }

    /// <summary>
    /// A block whose output feeds only convolutions hands it on in bfloat16 under bfloat16 precision (one copy for
    /// autograd instead of a float32 and a bfloat16 one), and in float32 otherwise, unchanged.
    /// </summary>
    [Fact]
    public void BlocksFeedingConvolutionsKeepTheirActivationsInTheConvolutionsPrecision()
    {
        InitializeTorch();
        using var scope = NewDisposeScope();
        manual_seed(11);
        var blocks = new (string Name, nn.Module<Tensor, Tensor> Feeding, nn.Module<Tensor, Tensor> Plain)[]
        {
            ("residual", new ResidualBlock(8, 16, 2, feedsConvolutions: true), new ResidualBlock(8, 16, 2)),
            ("same", new SameBlock(8, 16, feedsConvolutions: true), new SameBlock(8, 16)),
            ("up", new UpBlock(8, 16, feedsConvolutions: true), new UpBlock(8, 16)),
        };
        var x = randn([4, 8, 8, 12], generator: new Generator(2));
        foreach (var (name, feeding, plain) in blocks)
        {
            plain.load_state_dict(feeding.state_dict());
            feeding.train();
            plain.train();
            (Tensor Y, Tensor Gradient) Run(nn.Module<Tensor, Tensor> block, ScalarType precision)
            {
                using var run = NewDisposeScope();
                using var use = ConvolutionKernels.Use(new ConvolutionKernels { Precision = precision });
                var input = x.clone().requires_grad_();
                var y = block.forward(input);
                // A fixed random upstream gradient (a constant one would vanish through BatchNorm).
                (y.to(ScalarType.Float32) * randn(y.shape, generator: new Generator(3))).sum().backward();
                return (y.detach().MoveToOuterDisposeScope(), input.grad!.MoveToOuterDisposeScope());
            }
            var (y32, g32) = Run(plain, ScalarType.Float32);
            var (y32Feeding, g32Feeding) = Run(feeding, ScalarType.Float32);
            Assert.Equal(ScalarType.Float32, y32Feeding.dtype);
            Assert.True(y32Feeding.allclose(y32, 0, 0) && g32Feeding.allclose(g32, 0, 0), $"{name}: float32 output changed");

            var (yLow, gLow) = Run(feeding, ScalarType.BFloat16);
            var (yPlainLow, _) = Run(plain, ScalarType.BFloat16);
            Assert.Equal(ScalarType.BFloat16, yLow.dtype);
            Assert.Equal(ScalarType.Float32, yPlainLow.dtype); // a block that feeds anything else stays float32
            double Relative(Tensor a, Tensor b) => ((a.to(ScalarType.Float32) - b).norm() / b.norm()).item<float>();
            double outputError = Relative(yLow, y32), gradientError = Relative(gLow, g32);
            output.WriteLine($"{name}: bfloat16 against float32: output {outputError:E2}, input gradient {gradientError:E2}");
            Assert.InRange(outputError, 1e-5, 2e-2);
            Assert.InRange(gradientError, 1e-5, 1e-1);
        }
    }

    /// <summary>A bfloat16 activation gives a float32 result in every formulation, the float64 last resort included.</summary>
    [Fact]
    public void AConvolutionOfABFloat16ActivationReturnsFloat32InEveryFormulation()
    {
        InitializeTorch();
        using var scope = NewDisposeScope();
        var x = randn([2, 8, 6, 10], generator: new Generator(4));
        var w = randn([5, 8, 3, 3], generator: new Generator(5)) / 8;
        var exact = nn.functional.conv2d(x, w, padding: [1, 1]);
        foreach (var f in Enum.GetValues<ConvolutionFormulation>())
        {
            using var use = ConvolutionKernels.Use(new ConvolutionKernels { Precision = ScalarType.BFloat16, Force = f });
            var y = ConvolutionKernels.Conv2d(ConvolutionKernels.ForConvolution(x), w, padding: [1, 1]);
            Assert.Equal(ScalarType.Float32, y.dtype);
            double error = ((y - exact).norm() / exact.norm()).item<float>();
            Assert.True(error < 2e-2, $"{f}: relative error {error}");
        }
    }

    /// <summary>Every tensor the forward pass returns, by property name (Tensor[] entries indexed).</summary>
    static IEnumerable<(string Name, Tensor Tensor)> OutputTensors(object output)
    {
        foreach (var property in output.GetType().GetProperties())
        {
            switch (property.GetValue(output))
            {
                case Tensor t:
                    yield return (property.Name, t);
                    break;
                case Tensor[] ts:
                    for (int i = 0; i < ts.Length; i++) yield return ($"{property.Name}[{i}]", ts[i]);
                    break;
            }
        }
    }
}
