namespace Glass.Model.Kernels;

/// <summary>
/// What the self-check found for one <see cref="ConvolutionCase"/>: the error of each formulation it
/// tried (max |float32 - float64| over the rms of the float64 output; +inf for NaN or inf) and the
/// formulation the process uses from then on.
/// </summary>
public sealed record KernelCheck(
    ConvolutionCase Case,
    IReadOnlyDictionary<ConvolutionFormulation, double> Errors,
    ConvolutionFormulation Chosen,
    ConvolutionFormulation ByRule,
    TimeSpan Elapsed)
{
    /// <summary>The direct (fast) kernel's error; null when it was not run (the rule routes this case around a known fault).</summary>
    public double? DirectError => Errors.TryGetValue(ConvolutionFormulation.Direct, out var e) ? e : null;
    public bool DirectRight => DirectError <= ConvolutionSelfCheck.ToleranceFor(Case);
    /// <summary>The direct kernel was run and found wrong.</summary>
    public bool DirectWrong => DirectError > ConvolutionSelfCheck.ToleranceFor(Case);

    /// <summary>True when the self-check overruled the rule: the rule's formulation was wrong here.</summary>
    public bool Switched => Chosen != ByRule;

    /// <summary>e.g. "3x3 32->48 cl on 2x12x16 at 2 threads: direct 2.1e-07 right; uses direct (fast path)".</summary>
    public override string ToString()
    {
        var direct = DirectError is null ? "direct not run (known fault)"
            : DirectRight ? $"direct {DirectError:0.0e+00} right" : $"direct WRONG ({DirectError:0.0e+00})";
        var why = Switched ? "self-check" : ByRule == ConvolutionFormulation.Direct ? "fast path" : "rule";
        return $"{Case}: {direct}; uses {Name(Chosen)} ({why})";
    }

    public static string Name(ConvolutionFormulation f) => f switch
    {
        ConvolutionFormulation.Direct => "direct",
        ConvolutionFormulation.PaddedChannels => "padded-channels",
        ConvolutionFormulation.Unfolded => "unfold+matmul",
        _ => "float64",
    };
}
