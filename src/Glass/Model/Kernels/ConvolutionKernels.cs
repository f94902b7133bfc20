using System.Collections.Concurrent;
using Glass.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Kernels;

/// <summary>
/// Every convolution of the model goes through <see cref="Conv2d"/>, which picks its formulation: by
/// construction the known oneDNN faults are avoided (<see cref="KnownKernelFaults"/>), and the first time
/// the process meets a float32 CPU convolution case (shape, frame size, thread count) a self-check compares
/// the formulation against float64 and switches to a safe one where it is wrong (<see cref="ConvolutionSelfCheck"/>;
/// milliseconds per case, once). <see cref="Checks"/> lists what the self-check found.
/// </summary>
public sealed class ConvolutionKernels
{
    static readonly AsyncLocal<ConvolutionKernels?> Scoped = new();

    /// <summary>The process's choices.</summary>
    public static ConvolutionKernels Process { get; } = new();

    /// <summary>The instance <see cref="Conv2d"/> uses: <see cref="Process"/> unless <see cref="Use"/> says otherwise.</summary>
    public static ConvolutionKernels Current => Scoped.Value ?? Process;

    readonly ConcurrentDictionary<ConvolutionCase, KernelCheck> byCase = new();
    readonly List<KernelCheck> checks = [];
    readonly object gate = new();

    /// <summary>False: the rule alone decides (no self-check).</summary>
    public bool SelfCheck { get; init; } = true;

    /// <summary>
    /// Every CPU convolution uses this formulation (no rule, no self-check). The reference parity test uses
    /// <see cref="ConvolutionFormulation.Unfolded"/>: GEMM arithmetic, whose float32 rounding is about half of
    /// oneDNN's direct kernels' and like the reference's (docs/cpu-kernels.md, "Parity with the reference").
    /// </summary>
    public ConvolutionFormulation? Force { get; init; }

    /// <summary>
    /// Test hook (fault injection): rewrites the result of a formulation, in the model's convolutions and in
    /// the self-check's probes alike, so a test can make a kernel "wrong" on a CPU where it is right.
    /// </summary>
    public Func<ConvolutionFormulation, ConvolutionShape, Tensor, Tensor>? Perturb { get; init; }

    /// <summary>Raised after each self-check (outside the lock), e.g. to tell the user a fast kernel was found wrong.</summary>
    public event Action<KernelCheck>? Checked;

    /// <summary>Makes <paramref name="kernels"/> current for the calling flow (a test) until disposed.</summary>
    public static IDisposable Use(ConvolutionKernels kernels)
    {
        var previous = Scoped.Value;
        Scoped.Value = kernels;
        return new Restore(() => Scoped.Value = previous);
    }

    /// <summary>The self-check results so far, in the order the cases were met.</summary>
    public IReadOnlyList<KernelCheck> Checks
    {
        get { lock (gate) return checks.ToArray(); }
    }

    /// <summary>conv2d (no dilation) through <see cref="Current"/>.</summary>
    /// <returns>(N, out, H', W')</returns>
    public static Tensor Conv2d(Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C/groups, kh, kw) */, Tensor? bias = null /* (out) */,
        long[]? stride = null, long[]? padding = null, long groups = 1) =>
        Current.Run(x, weight, bias, stride ?? [1, 1], padding ?? [0, 0], groups);

    /// <returns>(N, out, H', W')</returns>
    public Tensor Run(Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C/groups, kh, kw) */, Tensor? bias /* (out) */,
        long[] stride, long[] padding, long groups)
    {
        var shape = ConvolutionShape.Of(x, weight, bias, stride, padding, groups);
        if (x.device_type != DeviceType.CPU) return Compute(ConvolutionFormulation.Direct, x, weight, bias, shape);
        if (KnownKernelFaults.NeedsChannelsLast(shape))
        {
            weight = ChannelsLast.Of(weight);
            shape = shape with { ChannelsLast = true };
        }
        return Compute(Force ?? Choose(shape, x), x, weight, bias, shape);
    }

    /// <summary>The formulation for a shape met with input <paramref name="x"/>: the rule's, or the self-check's.</summary>
    public ConvolutionFormulation Choose(ConvolutionShape shape, Tensor x /* (N, C, H, W) */)
    {
        if (!SelfCheck || x.dtype != ScalarType.Float32) return KnownKernelFaults.SafeFormulation(shape);
        var c = ConvolutionCase.For(shape, x, torch.get_num_threads());
        if (byCase.TryGetValue(c, out var known)) return known.Chosen;
        bool isNew = false;
        lock (gate)
        {
            if (!byCase.TryGetValue(c, out known))
            {
                known = ConvolutionSelfCheck.Run(c, Compute);
                checks.Add(known);
                byCase[c] = known;
                isNew = true;
            }
        }
        if (isNew) Checked?.Invoke(known);
        return known.Chosen;
    }

    Tensor Compute(ConvolutionFormulation f, Tensor x, Tensor weight, Tensor? bias, ConvolutionShape shape)
    {
        var y = ConvolutionFormulations.Run(f, x, weight, bias, shape);
        return Perturb is null ? y : Perturb(f, shape, y);
    }

    sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
