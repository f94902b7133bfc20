namespace Glass.Bench;

/// <summary>`--name value` pairs of a benchmark's command line.</summary>
public sealed class BenchArgs
{
    readonly Dictionary<string, string> _values = new();

    public static BenchArgs Parse(string[] args)
    {
        var result = new BenchArgs();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--")) throw new ArgumentException($"unexpected argument '{args[i]}'");
            var name = args[i][2..];
            result._values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--") ? args[++i] : "true";
        }
        return result;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);
    /// <summary>Whether a flag (an option without a value) was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);
    public int GetInt(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
}
