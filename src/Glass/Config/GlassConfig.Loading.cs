namespace Glass.Config;

public sealed partial class GlassConfig
{
    /// <summary>Where this tree was read from (a file path or a source name), used in error messages.</summary>
    internal string SourceName { get; private set; } = "<config>";

    /// <summary>Reads and validates a YAML config file.</summary>
    public static GlassConfig Load(string path)
    {
        if (Directory.Exists(path)) throw new GlassException($"{path}: is a folder; give the path of a YAML config file");
        if (!File.Exists(path)) throw new GlassException($"{path}: config file not found");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{path}: cannot read the config file ({e.Message})");
        }
        return Parse(text, path);
    }

    /// <summary>Reads and validates YAML text; <paramref name="sourceName"/> names it in errors.</summary>
    public static GlassConfig Parse(string yaml, string sourceName)
    {
        var config = new ConfigReader(sourceName).Read(yaml);
        config.SourceName = sourceName;
        config.Validate();
        return config;
    }

    /// <summary>The full tree as YAML (every key, defaults included); <see cref="Parse"/> reads it back to an equal tree.</summary>
    public string ToYaml() => ConfigWriter.Write(this);

    /// <summary>A deep copy (through YAML, so it is exactly what a checkpoint would carry).</summary>
    public GlassConfig Clone()
    {
        var copy = new ConfigReader(SourceName).Read(ToYaml());
        copy.SourceName = SourceName;
        return copy;
    }

    /// <summary>Key paths (e.g. `model.action_separator.action_network.num_actions`) whose values differ
    /// between the two trees, limited to keys under <paramref name="underPath"/> ("" = all).</summary>
    public IReadOnlyList<string> DifferencesFrom(GlassConfig other, string underPath = "")
    {
        var mine = ConfigWriter.Flatten(this);
        var theirs = ConfigWriter.Flatten(other);
        return mine.Keys.Union(theirs.Keys)
            .Where(k => underPath.Length == 0 || k == underPath || k.StartsWith(underPath + ".", StringComparison.Ordinal))
            .Where(k => mine.GetValueOrDefault(k) != theirs.GetValueOrDefault(k))
            .ToList();
    }

    /// <summary>The value at a key path as YAML text (e.g. "6", "[12, 16]"), or null for a section or unknown path.</summary>
    public string? ValueText(string keyPath) => ConfigWriter.Flatten(this).GetValueOrDefault(keyPath);
}
