using System.Text;
using Glass.Config;
using Glass.Model;
using Glass.Model.Kernels;
using Glass.Model.Layers;
using Glass.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

/// <summary>
/// Catches wrong CPU kernels (docs/cpu-kernels.md) on whatever machine runs the tests: every network of the
/// paper and the CPU configuration, in float32 at 1 and 2 threads, against a float64 copy of itself (libtorch
/// computes float64 convolutions without oneDNN), on tiny inputs. Each network is compared on its own, fed
/// the same inputs, so float32 rounding is not amplified along the chain. Bound: max |float32 - float64| <=
/// 1e-4 x max(1, rms of the float64 output): absolute for images, masks and shifts (outputs of size 1 or
/// less), relative for wide feature maps whose values grow with depth. float32 rounding gives about 1e-6;
/// the known faults give 0.1 and more, or NaN.
/// </summary>
[Collection(nameof(LibTorchThreads))]
public class Float64AgreementTests
{
    const double Tolerance = 1e-4;
    readonly ITestOutputHelper output;

    public Float64AgreementTests(ITestOutputHelper output)
    {
        InitializeTorch();
        this.output = output;
    }

    public static TheoryData<string, int> Cases => new() { { "paper", 1 }, { "paper", 2 }, { "cpu", 1 }, { "cpu", 2 } };

    static ModelConfig Config(string name) => name == "paper"
        ? new ModelConfig()
        : GlassConfig.Load(Path.Combine(TestPaths.RepoRoot, "configs", "wsprites-cpu.yaml")).Model;

    /// <summary>A model with every parameter and BatchNorm statistic moved off its initial value (the motion
    /// heads start at zero, BatchNorm at the identity), and its float64 copy.</summary>
    static (GlassModel Fast, GlassModel Exact) Models(ModelConfig config)
    {
        var fast = Build(config, seed: 11);
        var g = new Generator(12);
        using (no_grad())
        {
            foreach (var p in fast.parameters())
            {
                double rms = p.square().mean().sqrt().item<float>();
                p.add_(randn(p.shape, generator: g) * (rms > 0 ? 0.2 * rms : 0.05));
            }
            foreach (var (name, buffer) in fast.named_buffers())
            {
                if (name.EndsWith("running_var")) buffer.uniform_(0.5, 2.0, g);
                else if (name.EndsWith("running_mean")) buffer.normal_(0, 0.1, g);
            }
        }
        var exact = Build(config, seed: 11);
        exact.load_state_dict(fast.state_dict());
        exact.to(float64);
        fast.eval();
        exact.eval();
        return (fast, exact);
    }

    static (Vgg19 Fast, Vgg19 Exact) Vggs()
    {
        torch.manual_seed(14);
        var vgg = new Vgg19();
        ChannelsLast.Apply(vgg);
        torch.manual_seed(14);
        var exact = new Vgg19();
        exact.to(float64);
        return (vgg, exact);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryNetworkAgreesWithItsFloat64Copy(string configName, int threads)
    {
        using var scope = NewDisposeScope();
        var config = Config(configName);
        // Built at one thread: hundreds of tiny initialisation ops gain nothing from more.
        var (fast, exact) = Models(config);
        // The perceptual losses' VGG-19 (random weights; channels-last as in training), with the paper's losses.
        var vggs = configName == "paper" ? Vggs() : ((Vgg19, Vgg19)?)null;
        int before = get_num_threads();
        set_num_threads(threads);
        try
        {
            Check($"{configName} at {threads} thread(s)", config, fast, exact, vggs);
        }
        finally
        {
            set_num_threads(before);
            fast.Dispose();
            exact.Dispose();
            if (vggs is var (vgg, exactVgg)) { vgg.Dispose(); exactVgg.Dispose(); }
        }
    }

    void Check(string label, ModelConfig config, GlassModel fast, GlassModel exact, (Vgg19, Vgg19)? vggs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var g = new Generator(13);
        var las = config.ActionSeparator;
        int s = las.RepresentationNetwork.OutChannels;
        var report = new StringBuilder($"{label}, convolutions {(ConvolutionKernels.Current.Force is { } f ? $"forced {f}" : "guarded")}: max |float32 - float64| / max(1, rms)\n");
        var failures = new List<string>();
        void Compare(string name, Tensor y32, Tensor y64)
        {
            double rms = y64.square().mean().sqrt().item<double>();
            double err = (y32.to(float64) - y64).abs().max().item<double>() / Math.Max(1, rms);
            if (double.IsNaN(err)) err = double.PositiveInfinity;
            report.AppendLine($"  {name,-36} {err:E2} (rms {rms:G3})");
            if (!(err <= Tolerance)) failures.Add($"{name}: {err:E2}");
        }
        Tensor D(Tensor x) => x.to(float64);

        var frames = rand([2, 3, 32, 48], generator: g) * 2 - 1;
        var clip = frames.reshape(1, 2, 3, 32, 48);
        var masks = randn([1, 2, 1, 32, 48], generator: g).sigmoid();
        Compare("masking network", fast.MaskingNetwork.forward(frames), exact.MaskingNetwork.forward(D(frames)));
        Compare("inpainting network", fast.InpaintingNetwork.Forward(clip, masks).InpaintedBackgrounds,
            exact.InpaintingNetwork.Forward(D(clip), D(masks)).InpaintedBackgrounds);
        var pairs = torch.cat([clip, clip.flip(1)], 2);
        Compare("foreground motion network", fast.ForegroundMotion.forward(pairs), exact.ForegroundMotion.forward(D(pairs)));
        Compare("background motion network", fast.BackgroundMotion.forward(pairs), exact.BackgroundMotion.forward(D(pairs)));

        var separator = fast.LocalActionSeparator;
        var exactSeparator = exact.LocalActionSeparator;
        // At the model's frame size and batch 16: at one thread libtorch uses oneDNN for 1x1 convolutions
        // (fault 1: the last block's 64 -> 65 / 64 -> 33 shortcut) only from batch 16.
        var (width, height) = config.FrameSize();
        var full = rand([16, 3, height, width], generator: g) * 2 - 1;
        Compare("representation network", separator.Representation.forward(full), exactSeparator.Representation.forward(D(full)));
        var states = randn([2, s, 6, 8], generator: g);
        Compare("state compressor", separator.Compress(states), exactSeparator.Compress(D(states)));
        var attention = randn([2, 1, 6, 8], generator: g).sigmoid();
        var next = randn([2, s, 6, 8], generator: g);
        Compare("action network (head output)", separator.Actions.Forward(states, attention, next, attention, 0.4).Embeddings,
            exactSeparator.Actions.Forward(D(states), D(attention), D(next), D(attention), 0.4).Embeddings);

        var dyn = las.DynamicsNetwork;
        var compressed = randn([2, dyn.StateSize, dyn.StateResolution[0], dyn.StateResolution[1]], generator: g);
        var codes = randn([2, dyn.ActionSpaceDimension], generator: g) * 0.1;
        var shifts = randn([2, 2], generator: g) * 0.1;
        Tensor Unroll(GlassModel m, Func<Tensor, Tensor> cast)
        {
            var memory = m.LocalActionSeparator.Dynamics.InitialMemory(2);
            Tensor y = null!;
            for (int step = 0; step < 2; step++)
                (y, memory) = m.LocalActionSeparator.Dynamics.Step(cast(compressed), cast(codes), cast(shifts), memory);
            return y;
        }
        Compare("dynamics network (2 steps)", Unroll(fast, x => x), Unroll(exact, D));

        var hidden = randn([2, las.RenderingNetwork.InChannels, 6, 8], generator: g);
        var rendered = separator.Rendering.Forward(hidden);
        var exactRendered = exactSeparator.Rendering.Forward(D(hidden));
        for (int r = 0; r < 3; r++) Compare($"rendering network (scale {r})", rendered.Foregrounds[r], exactRendered.Foregrounds[r]);
        Compare("rendering network (mask)", rendered.Masks, exactRendered.Masks);

        if (vggs is var (vgg, exactVgg))
        {
            var features = vgg.forward(frames);
            var exactFeatures = exactVgg.forward(D(frames));
            for (int i = 0; i < features.Length; i++) Compare($"VGG-19 relu{i + 1}_1", features[i], exactFeatures[i]);
        }

        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, "float32 differs from float64: " + string.Join("; ", failures) + "\n" + report);
    }
}
