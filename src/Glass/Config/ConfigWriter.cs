using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Glass.Config;

/// <summary>Writes the full config tree as YAML (block mappings, flow lists) that
/// <see cref="ConfigReader"/> reads back to an equal tree. Numbers are written so PyYAML also
/// reads them as floats (always a '.' and a signed exponent).</summary>
internal static class ConfigWriter
{
    static readonly JsonSerializerOptions JsonStrings = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(GlassConfig config)
    {
        var sb = new StringBuilder();
        WriteSection(sb, config, 0);
        return sb.ToString();
    }

    /// <summary>Every leaf key path → its YAML value text (dictionaries count as one leaf each entry).</summary>
    public static Dictionary<string, string> Flatten(GlassConfig config)
    {
        var result = new Dictionary<string, string>();
        void Walk(object section, string prefix)
        {
            foreach (var key in ConfigSchema.KeysOf(section.GetType()))
            {
                var path = prefix.Length == 0 ? key.Name : $"{prefix}.{key.Name}";
                var value = key.Property.GetValue(section);
                if (value is not null && ConfigSchema.IsSection(value.GetType())) Walk(value, path);
                else if (value is IDictionary dict)
                    foreach (DictionaryEntry e in dict) result[$"{path}.{e.Key}"] = Value(e.Value);
                else result[path] = Value(value);
            }
        }
        Walk(config, "");
        return result;
    }

    static void WriteSection(StringBuilder sb, object section, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var key in ConfigSchema.KeysOf(section.GetType()))
        {
            var value = key.Property.GetValue(section);
            if (value is not null && ConfigSchema.IsSection(value.GetType()))
            {
                sb.Append(pad).Append(key.Name).Append(":\n");
                WriteSection(sb, value, indent + 2);
            }
            else if (value is IDictionary dict)
            {
                sb.Append(pad).Append(key.Name).Append(':');
                if (dict.Count == 0) { sb.Append(" {}\n"); continue; }
                sb.Append('\n');
                foreach (DictionaryEntry e in dict)
                    sb.Append(pad).Append("  ").Append(Scalar(e.Key)).Append(": ").Append(Value(e.Value)).Append('\n');
            }
            else
            {
                sb.Append(pad).Append(key.Name).Append(": ").Append(Value(value)).Append('\n');
            }
        }
    }

    static string Value(object? value) => value switch
    {
        null => "null",
        Array a => "[" + string.Join(", ", a.Cast<object?>().Select(Value)) + "]",
        _ => Scalar(value),
    };

    static string Scalar(object value) => value switch
    {
        string s => JsonSerializer.Serialize(s, JsonStrings), // a JSON string is a valid YAML double-quoted scalar
        bool b => b ? "true" : "false",
        double d => Number(d),
        float f => Number(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"cannot write {value.GetType()} to YAML"),
    };

    static string Number(double d)
    {
        if (double.IsNaN(d)) return ".nan";
        if (double.IsPositiveInfinity(d)) return ".inf";
        if (double.IsNegativeInfinity(d)) return "-.inf";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        var e = s.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? s : s[..e];
        var exponent = e < 0 ? "" : s[(e + 1)..];
        if (!mantissa.Contains('.')) mantissa += ".0";
        if (exponent.Length > 0 && exponent[0] is not ('+' or '-')) exponent = "+" + exponent;
        return exponent.Length > 0 ? $"{mantissa}e{exponent}" : mantissa;
    }
}
