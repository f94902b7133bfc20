using Glass.Model.Kernels;
using Glass.Model.Layers;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Tests.Model;

/// <summary>
/// The kernel faults of docs/cpu-kernels.md do not occur on every CPU, so these tests inject them: a
/// <see cref="ConvolutionKernels.Perturb"/> hook makes a formulation's result wrong (as oneDNN's is on the
/// affected CPU) and the tests check that the rule and the self-check route around it.
/// </summary>
public class ConvolutionSelfCheckTests
{
    readonly ITestOutputHelper output;

    public ConvolutionSelfCheckTests(ITestOutputHelper output)
    {
        InitializeTorch();
        this.output = output;
    }

    /// <summary>Like fault 1: the output channels past the last multiple of 32 are off by half their value.</summary>
    static Tensor ChannelTailFault(Tensor y /* (N, C, H, W) */) =>
        y.shape[1] <= 32 ? y : torch.cat([y[.., ..32], 1.5 * y[.., 32..]], 1);

    /// <summary>Like fault 2's worst case: NaN.</summary>
    static Tensor NaNFault(Tensor y) => y * double.NaN;

    static (Tensor X, Tensor W, Tensor B) Operands(long batch, long inChannels, long outChannels, long kernel, long seed = 3)
    {
        var g = new Generator((ulong)seed);
        var x = ChannelsLast.Of(randn([batch, inChannels, 12, 16], generator: g));
        var w = ChannelsLast.Of(randn([outChannels, inChannels, kernel, kernel], generator: g) / Math.Sqrt(inChannels * kernel * kernel));
        return (x, w, randn([outChannels], generator: g));
    }

    static double ErrorToExact(Tensor y, Tensor x, Tensor w, Tensor b, long padding) =>
        (y.to(float64) - F.conv2d(x.to(float64), w.to(float64), b.to(float64), padding: [padding, padding])).abs().max().item<double>();

    [Theory]
    [InlineData(new[] { ConvolutionFormulation.Direct }, ConvolutionFormulation.PaddedChannels)]
    [InlineData(new[] { ConvolutionFormulation.Direct, ConvolutionFormulation.PaddedChannels }, ConvolutionFormulation.Unfolded)]
    [InlineData(new[] { ConvolutionFormulation.Direct, ConvolutionFormulation.PaddedChannels, ConvolutionFormulation.Unfolded }, ConvolutionFormulation.Float64)]
    public void SelfCheckFindsAnInjectedFaultAndSwitchesToARightFormulation(ConvolutionFormulation[] faulty, ConvolutionFormulation expected)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // 3x3 40 -> 40: no known fault, so the rule runs it directly and only the self-check can catch this.
        var kernels = new ConvolutionKernels { Perturb = (f, _, y) => faulty.Contains(f) ? ChannelTailFault(y) : y };
        var (x, w, b) = Operands(2, 40, 40, 3);
        Tensor y;
        using (ConvolutionKernels.Use(kernels)) y = ConvolutionKernels.Conv2d(x, w, b, padding: [1, 1]);

        var check = Assert.Single(kernels.Checks);
        Assert.False(check.DirectRight);
        Assert.True(check.DirectError > 0.1, check.ToString());
        Assert.Equal(ConvolutionFormulation.Direct, check.ByRule);
        Assert.Equal(expected, check.Chosen);
        Assert.True(check.Switched);
        Assert.True(ErrorToExact(y, x, w, b, 1) < 1e-4);
        Assert.True(ChannelsLast.Is(y)); // the layout the model's next layers expect
    }

    [Fact]
    public void NaNFromTheFastKernelIsCaught()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var kernels = new ConvolutionKernels { Perturb = (f, _, y) => f == ConvolutionFormulation.Direct ? NaNFault(y) : y };
        var (x, w, b) = Operands(2, 33, 16, 3);
        Tensor y;
        using (ConvolutionKernels.Use(kernels)) y = ConvolutionKernels.Conv2d(x, w, b, padding: [1, 1]);
        Assert.Equal(double.PositiveInfinity, Assert.Single(kernels.Checks).DirectError);
        Assert.True(ErrorToExact(y, x, w, b, 1) < 1e-4);
    }

    [Fact]
    public void RightKernelsKeepTheFastPathAndAreCheckedOncePerCase()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var kernels = new ConvolutionKernels();
        var (x, w, b) = Operands(2, 32, 48, 3);
        using (ConvolutionKernels.Use(kernels))
            for (int i = 0; i < 3; i++) ConvolutionKernels.Conv2d(x, w, b, padding: [1, 1]);
        var check = Assert.Single(kernels.Checks);
        Assert.True(check.DirectRight, check.ToString());
        Assert.Equal(ConvolutionFormulation.Direct, check.Chosen);
        Assert.NotSame(kernels, ConvolutionKernels.Current); // Use() ended with its scope
    }

    /// <summary>
    /// Fault 1's shape (1x1, 64 -> 65, channels-last) never runs the direct kernel, even with the self-check
    /// off: an injected fault in it changes nothing, while the same fault in the padded formulation shows.
    /// </summary>
    [Fact]
    public void ThePointwiseChannelTailIsPaddedByConstruction()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (x, w, b) = Operands(16, 64, 65, 1);
        double Error(ConvolutionFormulation faulty)
        {
            var kernels = new ConvolutionKernels { SelfCheck = false, Perturb = (f, _, y) => f == faulty ? ChannelTailFault(y) : y };
            using (ConvolutionKernels.Use(kernels)) return ErrorToExact(ConvolutionKernels.Conv2d(x, w, b), x, w, b, 0);
        }
        Assert.True(Error(ConvolutionFormulation.Direct) < 1e-4);
        Assert.True(Error(ConvolutionFormulation.PaddedChannels) > 0.1);

        var shape = ConvolutionShape.Of(x, w, b, [1, 1], [0, 0], 1);
        Assert.True(KnownKernelFaults.HasOutputChannelTail(shape));
        foreach (var (outChannels, tail) in new[] { (32, false), (33, true), (48, true), (63, false), (64, false), (65, true), (80, true), (96, false), (257, true) })
            Assert.Equal(tail, KnownKernelFaults.HasOutputChannelTail(shape with { OutChannels = outChannels }));
    }

    /// <summary>
    /// The diagnostic switch (GLASS_CONVOLUTION_KERNELS=direct) really switches the workaround off: fault 1's shape
    /// runs the direct kernel, so an injected fault there shows, and fault 2's contiguous case stays contiguous.
    /// </summary>
    [Fact]
    public void WithTheWorkaroundSwitchedOffTheDirectKernelRunsEveryShape()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.Null(ConvolutionKernels.ParseSetting(null));
        Assert.Null(ConvolutionKernels.ParseSetting(""));
        Assert.Null(ConvolutionKernels.ParseSetting("guarded"));
        Assert.Equal(ConvolutionFormulation.Direct, ConvolutionKernels.ParseSetting("direct"));
        var e = Assert.Throws<GlassException>(() => ConvolutionKernels.ParseSetting("Direct "));
        Assert.Contains("GLASS_CONVOLUTION_KERNELS='Direct '", e.Message);

        var seen = new List<(ConvolutionFormulation, ConvolutionShape)>();
        var kernels = new ConvolutionKernels
        {
            Force = ConvolutionKernels.ParseSetting("direct"),
            Perturb = (f, s, y) => { seen.Add((f, s)); return f == ConvolutionFormulation.Direct ? ChannelTailFault(y) : y; },
        };
        var (x, w, b) = Operands(16, 64, 65, 1);
        using (ConvolutionKernels.Use(kernels))
        {
            Assert.True(ErrorToExact(ConvolutionKernels.Conv2d(x, w, b), x, w, b, 0) > 0.1);
            var g = new Generator(5);
            ConvolutionKernels.Conv2d(randn([2, 33, 12, 16], generator: g), randn([16, 33, 3, 3], generator: g), padding: [1, 1]);
        }
        Assert.Empty(kernels.Checks);
        Assert.Equal([(ConvolutionFormulation.Direct, true), (ConvolutionFormulation.Direct, false)], seen.Select(p => (p.Item1, p.Item2.ChannelsLast)));
    }

    /// <summary>Fault 2's case: a contiguous 3x3 convolution with 33 input channels runs channels-last.</summary>
    [Fact]
    public void ContiguousConvolutionsWithAnInputChannelTailRunChannelsLast()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var g = new Generator(5);
        var x = randn([2, 33, 12, 16], generator: g);
        var w = randn([16, 33, 3, 3], generator: g);
        var seen = new List<ConvolutionShape>();
        var kernels = new ConvolutionKernels { Perturb = (_, s, y) => { seen.Add(s); return y; } };
        Tensor y;
        using (ConvolutionKernels.Use(kernels)) y = ConvolutionKernels.Conv2d(x, w, padding: [1, 1]);
        Assert.All(seen, s => Assert.True(s.ChannelsLast));
        Assert.True(ChannelsLast.Is(y));
        // Against float64: the float32 contiguous kernel is fault 2 itself.
        Assert.True((y.to(float64) - F.conv2d(x.to(float64), w.to(float64), padding: [1, 1])).abs().max().item<double>() < 1e-4);
    }

    /// <summary>
    /// runtime.convolution_precision: bfloat16 runs the convolution in bfloat16 (its rounding shows against float32),
    /// returns float32 and sends gradients to the float32 weight; the self-check checks the bfloat16 path at its own
    /// tolerance, and still catches a fault there.
    /// </summary>
    [Fact]
    public void BFloat16ConvolutionsKeepFloat32WeightsAndAreSelfChecked()
    {
        using var scope = NewDisposeScope();
        var (x, w, b) = Operands(2, 40, 40, 3);
        w.requires_grad_();
        var kernels = new ConvolutionKernels { Precision = ScalarType.BFloat16 };
        Tensor y;
        using (ConvolutionKernels.Use(kernels)) y = ConvolutionKernels.Conv2d(x, w, b, padding: [1, 1]);
        Assert.Equal(ScalarType.Float32, y.dtype);
        Assert.True(ChannelsLast.Is(y));
        double error, scale;
        using (no_grad())
        {
            var exact = F.conv2d(x.to(float64), w.to(float64), b.to(float64), padding: [1, 1]);
            scale = exact.square().mean().sqrt().item<double>();
            error = (y.to(float64) - exact).abs().max().item<double>() / scale;
        }
        output.WriteLine($"bfloat16 3x3 40->40: error {error:E2} of the output's rms");
        Assert.InRange(error, 1e-4, ConvolutionSelfCheck.BFloat16Tolerance); // bfloat16's rounding, not float32's
        y.sum().backward();
        Assert.Equal(ScalarType.Float32, w.grad!.dtype);
        Assert.True(w.grad!.abs().sum().item<float>() > 0);

        var check = Assert.Single(kernels.Checks);
        Assert.True(check.Case.BFloat16);
        Assert.True(check.DirectRight, check.ToString());
        Assert.Equal(ConvolutionFormulation.Direct, check.Chosen);
        Assert.Contains("in bfloat16", check.ToString());

        var faulty = new ConvolutionKernels { Precision = ScalarType.BFloat16, Perturb = (f, _, r) => f == ConvolutionFormulation.Direct ? ChannelTailFault(r) : r };
        using (no_grad())
        using (ConvolutionKernels.Use(faulty)) ConvolutionKernels.Conv2d(x, w, b, padding: [1, 1]);
        Assert.True(Assert.Single(faulty.Checks).Switched);
    }

    /// <summary>
    /// With the self-check on, fault 1's shape is still never run through the direct kernel, not even as a probe:
    /// on an affected CPU a faulty kernel may write past its output, so measuring it could corrupt the heap.
    /// </summary>
    [Fact]
    public void TheSelfCheckDoesNotRunAKernelTheRuleRoutesAround()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (x, w, b) = Operands(16, 64, 65, 1);
        var run = new List<ConvolutionFormulation>();
        var kernels = new ConvolutionKernels { Perturb = (f, _, y) => { run.Add(f); return y; } };
        using (ConvolutionKernels.Use(kernels)) ConvolutionKernels.Conv2d(x, w, b);
        var check = Assert.Single(kernels.Checks);
        Assert.DoesNotContain(ConvolutionFormulation.Direct, run);
        Assert.Null(check.DirectError);
        Assert.False(check.DirectWrong);
        Assert.Equal(ConvolutionFormulation.PaddedChannels, check.Chosen);
        Assert.Contains("direct not run (known fault); uses padded-channels (rule)", check.ToString());
    }

    /// <summary>The whole path in a model: a fast kernel made wrong for every 3x3 convolution reaches the masks
    /// when nothing checks it, and does not once the self-check runs.</summary>
    [Fact]
    public void AModelWithAFaultyFastKernelStillComputesTheRightOutputs()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var config = SmallConfig();
        var model = Build(config);
        var exact = Build(config);
        exact.to(float64);
        model.eval();
        exact.eval();
        var frames = Frames(1, 2).reshape(2, 3, SmallHeight, SmallWidth);
        var expected = exact.MaskingNetwork.forward(frames.to(float64));
        double Error(bool selfCheck)
        {
            var kernels = new ConvolutionKernels
            {
                SelfCheck = selfCheck,
                Perturb = (f, s, y) => f == ConvolutionFormulation.Direct && s.KernelH == 3 ? y + 0.1 : y,
            };
            using (ConvolutionKernels.Use(kernels)) return (model.MaskingNetwork.forward(frames).to(float64) - expected).abs().max().item<double>();
        }
        Assert.True(Error(selfCheck: false) > 1e-3);
        Assert.True(Error(selfCheck: true) < 1e-5);
    }
}
