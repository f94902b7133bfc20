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
    /// Every CPU convolution uses this formulation (no rule, no self-check; Direct not even fault 2's channels-last
    /// re-layout: the workaround switched off, <see cref="EnvironmentVariable"/>). The reference parity test uses
    /// <see cref="ConvolutionFormulation.Unfolded"/>: GEMM arithmetic, whose float32 rounding is about half of
    /// oneDNN's direct kernels' and like the reference's (docs/cpu-kernels.md, "Parity with the reference").
    /// </summary>
    public ConvolutionFormulation? Force { get; set; }

    /// <summary>
    /// The environment variable that switches the workaround off, for a diagnosis on a CPU suspected of faulty kernels:
    /// "direct" runs every convolution of <see cref="Process"/> on libtorch's kernels as they are (no rule, no self-check),
    /// so `Float64AgreementTests` and `glass analyze` show what the faults do; "guarded" or unset is the default.
    /// </summary>
    public const string EnvironmentVariable = "GLASS_CONVOLUTION_KERNELS";

    /// <summary>True when <see cref="EnvironmentVariable"/> switches the workaround off (for the CLI's warning, which comes
    /// before any command reads the setting; a typo is reported by <see cref="ForcedByEnvironment"/>).</summary>
    public static bool DirectByEnvironment => Environment.GetEnvironmentVariable(EnvironmentVariable) == DirectSetting;

    const string DirectSetting = "direct";

    /// <summary>What <see cref="EnvironmentVariable"/> asks of <see cref="Process"/>: null (guarded) or Direct.</summary>
    public static ConvolutionFormulation? ForcedByEnvironment() => ParseSetting(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>A value of <see cref="EnvironmentVariable"/>: null for guarded (also unset or empty), Direct for direct.</summary>
    public static ConvolutionFormulation? ParseSetting(string? value) => value switch
    {
        null or "" or "guarded" => null,
        DirectSetting => ConvolutionFormulation.Direct,
        var other => throw new GlassException($"{EnvironmentVariable}='{other}' is not a setting; use guarded (the default) or direct (no workaround for faulty kernels, for a diagnosis), or unset it"),
    };

    /// <summary>
    /// Test hook (fault injection): rewrites the result of a formulation, in the model's convolutions and in
    /// the self-check's probes alike, so a test can make a kernel "wrong" on a CPU where it is right.
    /// </summary>
    public Func<ConvolutionFormulation, ConvolutionShape, Tensor, Tensor>? Perturb { get; init; }

    /// <summary>
    /// Float32 (the default) or BFloat16: float32 CPU convolutions then run in bfloat16 (input, weight and bias cast,
    /// the result cast back to float32), everything else stays float32, and gradients reach the float32 weights
    /// (mixed precision with float32 master weights; TorchSharp has no autocast). From runtime.convolution_precision;
    /// worth it on CPUs whose oneDNN has bfloat16 kernels (AVX512_BF16 or AMX), docs/training.md.
    /// </summary>
    public ScalarType Precision
    {
        get => precision;
        set => precision = value is ScalarType.Float32 or ScalarType.BFloat16 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "convolutions run in Float32 or BFloat16");
    }
    ScalarType precision = ScalarType.Float32;

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
    /// <param name="keepBFloat16">under bfloat16 precision, return the bfloat16 result as it is (for a BatchNorm whose output
    /// only convolutions read: it then normalises in bfloat16 with float32 statistics and parameters); float32 otherwise</param>
    /// <returns>(N, out, H', W')</returns>
    public static Tensor Conv2d(Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C/groups, kh, kw) */, Tensor? bias = null /* (out) */,
        long[]? stride = null, long[]? padding = null, long groups = 1, bool keepBFloat16 = false) =>
        Current.Run(x, weight, bias, stride ?? [1, 1], padding ?? [0, 0], groups, keepBFloat16);

    /// <summary>
    /// An activation that only convolutions will read, in the precision they run in: cast to bfloat16 under
    /// bfloat16 precision (CPU float32 input), otherwise itself. Casting before the activation function rather than
    /// inside the convolution means autograd keeps one bfloat16 copy for both, not a float32 one and a bfloat16 one.
    /// (Where the BatchNorm before it took a bfloat16 convolution result, the activation is bfloat16 already.)
    /// </summary>
    /// <returns>(N, C, H, W) in the convolutions' precision</returns>
    public static Tensor ForConvolution(Tensor x /* (N, C, H, W) */) =>
        Current.precision == ScalarType.BFloat16 && x.dtype == ScalarType.Float32 && x.device_type == DeviceType.CPU
            ? x.to(ScalarType.BFloat16) : x;

    /// <returns>(N, out, H', W')</returns>
    public Tensor Run(Tensor x /* (N, C, H, W) */, Tensor weight /* (out, C/groups, kh, kw) */, Tensor? bias /* (out) */,
        long[] stride, long[] padding, long groups, bool keepBFloat16 = false)
    {
        var shape = ConvolutionShape.Of(x, weight, bias, stride, padding, groups);
        if (x.device_type != DeviceType.CPU) return Compute(ConvolutionFormulation.Direct, x, weight, bias, shape, bfloat16: false);
        if (Force != ConvolutionFormulation.Direct && KnownKernelFaults.NeedsChannelsLast(shape))
        {
            weight = ChannelsLast.Of(weight);
            shape = shape with { ChannelsLast = true };
        }
        bool bfloat16 = precision == ScalarType.BFloat16 && x.dtype is ScalarType.Float32 or ScalarType.BFloat16;
        return Compute(Force ?? Choose(shape, x, bfloat16), x, weight, bias, shape, bfloat16, keepBFloat16);
    }

    /// <summary>The formulation for a shape met with input <paramref name="x"/>: the rule's, or the self-check's.</summary>
    /// <param name="bfloat16">the convolution will run in bfloat16 (checked as such)</param>
    public ConvolutionFormulation Choose(ConvolutionShape shape, Tensor x /* (N, C, H, W) */, bool bfloat16 = false)
    {
        if (!SelfCheck || !(x.dtype == ScalarType.Float32 || bfloat16 && x.dtype == ScalarType.BFloat16)) return KnownKernelFaults.SafeFormulation(shape);
        var c = ConvolutionCase.For(shape, x, torch.get_num_threads(), bfloat16);
        if (byCase.TryGetValue(c, out var known)) return known.Chosen;
        bool isNew = false;
        lock (gate)
        {
            if (!byCase.TryGetValue(c, out known))
            {
                known = ConvolutionSelfCheck.Run(c, (f, px, pw, pb, ps) => Compute(f, px, pw, pb, ps, c.BFloat16));
                checks.Add(known);
                byCase[c] = known;
                isNew = true;
            }
        }
        if (isNew) Checked?.Invoke(known);
        return known.Chosen;
    }

    Tensor Compute(ConvolutionFormulation f, Tensor x, Tensor weight, Tensor? bias, ConvolutionShape shape, bool bfloat16, bool keepBFloat16 = false)
    {
        Tensor y;
        if (bfloat16 && f != ConvolutionFormulation.Float64)
        {
            // The casts' outputs are released here; autograd keeps what the backward pass needs.
            using var scope = NewDisposeScope();
            y = ConvolutionFormulations.Run(f, x.to(ScalarType.BFloat16), weight.to(ScalarType.BFloat16), bias?.to(ScalarType.BFloat16), shape);
            y = (keepBFloat16 ? y : y.to(ScalarType.Float32)).MoveToOuterDisposeScope();
        }
        else if (bfloat16)
        {
            // The float64 last resort on an input already in bfloat16: float32 out, as the bfloat16 path's result.
            using var scope = NewDisposeScope();
            y = ConvolutionFormulations.Run(f, x.to(ScalarType.Float32), weight, bias, shape).MoveToOuterDisposeScope();
        }
        else y = ConvolutionFormulations.Run(f, x, weight, bias, shape);
        return Perturb is null ? y : Perturb(f, shape, y);
    }

    sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
