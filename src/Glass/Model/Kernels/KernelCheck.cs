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
    public double DirectError => Errors[ConvolutionFormulation.Direct];
    public bool DirectRight => DirectError <= ConvolutionSelfCheck.Tolerance;

    /// <summary>True when the self-check overruled the rule: the rule's formulation was wrong here.</summary>
    public bool Switched => Chosen != ByRule;

    /// <summary>e.g. "1x1 64->65 cl on 16x12x16 at 2 threads: direct 2.1e-07 right; uses padded-channels (rule)".</summary>
    public override string ToString()
    {
        var direct = DirectRight ? $"direct {DirectError:0.0e+00} right" : $"direct WRONG ({DirectError:0.0e+00})";
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
