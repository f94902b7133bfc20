namespace Glass.Config;

/// <summary>`generation:` (ours) — named global actions used when playing a model.</summary>
public sealed class GenerationConfig
{
    /// <summary>Name → (dx, dy) foreground shift in normalized units (positive = right/down).
    /// A YAML `actions:` mapping replaces this whole table.</summary>
    public Dictionary<string, double[]> Actions { get; set; } = new()
    {
        ["right"] = [0.07, 0.0],
        ["left"] = [-0.07, 0.0],
        ["down"] = [0.0, 0.1],
        ["up"] = [0.0, -0.1],
        ["stay"] = [0.0, 0.0],
    };
}
