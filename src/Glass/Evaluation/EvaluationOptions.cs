using Glass.Evaluation.Networks;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>Settings of an <see cref="Evaluator"/> run. The metric networks are optional: without one its metric
/// is skipped with <see cref="MissingNetworkReason"/>.</summary>
public sealed class EvaluationOptions
{
    public Device Device { get; init; } = CPU;
    public Lpips? Lpips { get; init; }
    public FidInceptionV3? Inception { get; init; }
    public InceptionI3d? I3d { get; init; }
    /// <summary>Seed of the random ids behind nmi_random.</summary>
    public int Seed { get; init; } = 1543;
    /// <summary>Why a network is missing, per metric key ("lpips", "fid", "fvd"), for the report.</summary>
    public Func<string, string> MissingNetworkReason { get; init; } = key => $"no pretrained network given for {key}";
    /// <summary>Label names for the confusion plot (index = true label), or null for numbers.</summary>
    public IReadOnlyList<string>? LabelNames { get; init; }
}
