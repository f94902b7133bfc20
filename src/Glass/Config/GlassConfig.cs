namespace Glass.Config;

/// <summary>The whole configuration tree (root of a YAML config file). Defaults are the paper's
/// W-Sprites values (the reference's `configs/wsprites.yaml`).</summary>
public sealed partial class GlassConfig
{
    /// <summary>Experiment name.</summary>
    public string Name { get; set; } = "wsprites";
    public DataConfig Data { get; set; } = new();
    public ModelConfig Model { get; set; } = new();
    public TrainingConfig Training { get; set; } = new();
    public EvaluationConfig Evaluation { get; set; } = new();
    /// <summary>Ours.</summary>
    public RuntimeConfig Runtime { get; set; } = new();
    /// <summary>Ours.</summary>
    public GenerationConfig Generation { get; set; } = new();
}
