using System.Diagnostics;
using Glass.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Kernels;

/// <summary>
/// Checks one convolution case on this CPU: random input and weights of the case's shape, laid out as the
/// model's, computed in float32 (or bfloat16, as the case says) by each formulation at the current thread count
/// and compared with float64.
/// Uses its own random generator (the global one, which training reproducibility depends on, is untouched).
/// </summary>
public static class ConvolutionSelfCheck
{
    /// <summary>
    /// Largest error (max abs over the rms of the exact output) that counts as right. float32 rounding of
    /// the probes is about 1e-6 (docs/cpu-kernels.md); the known faults are 0.1 and more, or NaN.
    /// </summary>
    public const double Tolerance = 1e-3;

    /// <summary>
    /// The same for convolutions run in bfloat16 (runtime.convolution_precision): its 8-bit mantissa rounds input
    /// and weight by up to 2^-9 relative, which leaves errors of about 1e-2 on these probes (docs/cpu-kernels.md).
    /// </summary>
    public const double BFloat16Tolerance = 5e-2;

    /// <summary>The largest error that counts as right for <paramref name="c"/>'s precision.</summary>
    public static double ToleranceFor(ConvolutionCase c) => c.BFloat16 ? BFloat16Tolerance : Tolerance;

    const ulong Seed = 12;

    /// <param name="compute">runs a formulation (the caller's, so injected faults are seen)</param>
    public static KernelCheck Run(ConvolutionCase c,
        Func<ConvolutionFormulation, Tensor, Tensor, Tensor?, ConvolutionShape, Tensor> compute)
    {
        var clock = Stopwatch.StartNew();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var s = c.Shape;
        var generator = new Generator(Seed);
        var x = torch.randn([c.Batch, s.InChannels * s.Groups, c.Height, c.Width], generator: generator);
        var w = torch.randn([s.OutChannels, s.InChannels, s.KernelH, s.KernelW], generator: generator) / Math.Sqrt(s.InChannels * s.KernelH * s.KernelW);
        var b = s.HasBias ? torch.randn([s.OutChannels], generator: generator) : null;
        if (s.ChannelsLast) (x, w) = (ChannelsLast.Of(x), ChannelsLast.Of(w));
        var exact = nn.functional.conv2d(x.to(float64), w.to(float64), b?.to(float64), [s.StrideH, s.StrideW], [s.PadH, s.PadW], groups: s.Groups);
        double scale = Math.Max(exact.square().mean().sqrt().item<double>(), 1e-12);

        var errors = new Dictionary<ConvolutionFormulation, double>();
        double Error(ConvolutionFormulation f)
        {
            using var inner = NewDisposeScope();
            double e = (compute(f, x, w, b, s).to(float64) - exact).abs().max().item<double>() / scale;
            return errors[f] = double.IsFinite(e) ? e : double.PositiveInfinity;
        }

        // A formulation the rule routes around is never run, not even to measure it: on an affected CPU a faulty
        // kernel may also write past its output (a corrupted heap, not only wrong values).
        var byRule = KnownKernelFaults.SafeFormulation(s);
        var chosen = ConvolutionFormulation.Float64; // exact by definition: the last resort
        ConvolutionFormulation[] candidates = [byRule, ConvolutionFormulation.PaddedChannels, ConvolutionFormulation.Unfolded];
        foreach (var f in candidates.Distinct())
        {
            if (f == ConvolutionFormulation.PaddedChannels && s.Groups > 1) continue; // runs as Unfolded
            if ((errors.TryGetValue(f, out var e) ? e : Error(f)) <= ToleranceFor(c)) { chosen = f; break; }
        }
        return new KernelCheck(c, errors, chosen, byRule, clock.Elapsed);
    }
}
