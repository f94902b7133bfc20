using Glass.Config;
using Glass.Model;
using Glass.Model.Kernels;
using Glass.Training;
using Xunit;
using Xunit.Abstractions;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

/// <summary>runtime.convolution_precision: bfloat16 on a whole training step: the loss is the float32 step's up to
/// bfloat16 rounding, and every gradient reaches the float32 parameters.</summary>
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

        double Loss(ScalarType precision, bool backward)
        {
            using var step = NewDisposeScope();
            manual_seed(7);
            using var use = ConvolutionKernels.Use(new ConvolutionKernels { Precision = precision });
            var forward = TrainingStep.Forward(model, x, 2, 0.4, staged: false, gmaOnly: false);
            var total = TrainingStep.Losses(forward, config.Training, null, gmaOnly: false).Total;
            if (backward) total.backward();
            return total.item<float>();
        }
        double exact = Loss(ScalarType.Float32, backward: false), low = Loss(ScalarType.BFloat16, backward: true);
        output.WriteLine($"loss float32 {exact:F5}, bfloat16 convolutions {low:F5}");
        Assert.NotEqual(exact, low); // the convolutions did run in bfloat16
        Assert.True(Math.Abs(low - exact) <= 0.05 * exact, $"bfloat16 loss {low} against float32 {exact}");
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.grad is null) continue;
            Assert.Equal(ScalarType.Float32, p.dtype);
            Assert.Equal(ScalarType.Float32, p.grad.dtype);
            Assert.True(p.grad.isfinite().all().item<bool>(), $"{name}: gradient not finite");
        }
    }
}
