namespace Glass.Config;

/// <summary>`evaluation:` — the reference evaluator's settings.</summary>
public sealed class EvaluationConfig
{
    public BatchingConfig Batching { get; set; } = new();
    public double GumbelTemperature { get; set; } = 0.4;
    public string? EvaluationDatasetDirectory { get; set; }
}
