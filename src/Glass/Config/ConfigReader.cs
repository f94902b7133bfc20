using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Glass.Config;

/// <summary>Strict YAML → config binding: every key must exist, every value must have the
/// property's type. Errors are GlassExceptions of the form `source: full.key.path: what is wrong`.</summary>
internal sealed partial class ConfigReader(string source)
{
    public GlassConfig Read(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is YamlException ie ? ie : e;
            throw new GlassException($"{source}:{inner.Start.Line}:{inner.Start.Column}: YAML syntax error: {FirstLine(inner.Message)}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (without a position) when the text ends inside an open construct.
            throw new GlassException($"{source}: YAML syntax error: the file ends inside an unclosed list, mapping or quote");
        }
        var config = new GlassConfig();
        if (stream.Documents.Count == 0) return config; // an empty file means all defaults
        if (stream.Documents.Count > 1) throw new GlassException($"{source}: holds {stream.Documents.Count} YAML documents; a config file has exactly one");
        var root = stream.Documents[0].RootNode;
        if (IsNull(root)) return config;
        if (root is not YamlMappingNode mapping)
            throw new GlassException($"{source}: the top level must be a mapping of sections (name, data, model, training, ...), got {Describe(root)}");
        BindSection(mapping, config, "");
        return config;
    }

    void BindSection(YamlMappingNode node, object target, string path)
    {
        var keys = ConfigSchema.KeysOf(target.GetType());
        foreach (var (keyNode, valueNode) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } name })
                throw Error(Join(path, "?"), $"keys must be plain names, got {Describe(keyNode)}", keyNode);
            var keyPath = Join(path, name);
            var key = keys.FirstOrDefault(k => k.Name == name);
            if (key is null)
            {
                var suggestion = ConfigSchema.Suggest(name, keys.Select(k => k.Name));
                var hint = suggestion is not null
                    ? $"did you mean {suggestion}?"
                    : $"valid keys here: {string.Join(", ", keys.Select(k => k.Name))}";
                throw Error(keyPath, $"unknown key ({hint})", keyNode);
            }
            var property = key.Property;
            if (ConfigSchema.IsSection(property.PropertyType))
            {
                // An empty section (`inpainting_network:` with nothing under it) keeps every default.
                if (IsNull(valueNode)) continue;
                if (valueNode is not YamlMappingNode sub) throw Error(keyPath, $"expected a mapping of keys, got {Describe(valueNode)}", valueNode);
                var existing = property.GetValue(target) ?? Activator.CreateInstance(property.PropertyType)!;
                BindSection(sub, existing, keyPath);
                property.SetValue(target, existing);
            }
            else
            {
                property.SetValue(target, ReadValue(valueNode, property.PropertyType, key.Nullable, key.Length, keyPath));
            }
        }
    }

    object? ReadValue(YamlNode node, Type type, bool nullable, int? length, string path)
    {
        if (IsNull(node))
        {
            if (nullable) return null;
            throw Error(path, $"missing value (expected {Expected(type)})", node);
        }
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsArray)
        {
            if (node is not YamlSequenceNode seq) throw Error(path, $"expected {Expected(underlying)}, got {Describe(node)}", node);
            if (length is { } n && seq.Children.Count != n)
                throw Error(path, $"expected exactly {n} values, got {seq.Children.Count}", node);
            var element = underlying.GetElementType()!;
            var array = Array.CreateInstance(element, seq.Children.Count);
            for (int i = 0; i < seq.Children.Count; i++)
                array.SetValue(ReadValue(seq.Children[i], element, false, null, $"{path}[{i}]"), i);
            return array;
        }
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (underlying.GetGenericArguments()[0] != typeof(string)) throw new NotSupportedException($"config dictionaries need string keys ({path})");
            if (node is not YamlMappingNode map) throw Error(path, $"expected a mapping, got {Describe(node)}", node);
            var valueType = underlying.GetGenericArguments()[1];
            var dict = (IDictionary)Activator.CreateInstance(underlying)!;
            foreach (var (k, v) in map.Children)
            {
                if (k is not YamlScalarNode { Value: { Length: > 0 } name }) throw Error($"{path}.?", $"keys must be plain names, got {Describe(k)}", k);
                dict[name] = ReadValue(v, valueType, false, null, $"{path}.{name}");
            }
            return dict;
        }
        if (node is not YamlScalarNode scalar) throw Error(path, $"expected {Expected(underlying)}, got {Describe(node)}", node);
        var text = scalar.Value ?? "";
        if (underlying == typeof(string)) return text;
        // A quoted "6" is a string in YAML (and in the reference's loader), not a number.
        bool quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted || scalar.Tag == "tag:yaml.org,2002:str";
        object? parsed = quoted ? null : underlying switch
        {
            _ when underlying == typeof(int) => ParseInteger(text) is { } l && l >= int.MinValue && l <= int.MaxValue ? (int)l : null,
            _ when underlying == typeof(long) => ParseInteger(text),
            _ when underlying == typeof(double) => ParseDouble(text),
            _ when underlying == typeof(float) => ParseDouble(text) is { } d ? (float)d : null,
            _ when underlying == typeof(bool) => ParseBool(text),
            _ => throw new NotSupportedException($"config property type {underlying} at {path}"),
        };
        return parsed ?? throw Error(path, $"expected {Expected(underlying)}, got {(quoted ? "the string " : "")}{Show(text, quoted)}", node);
    }

    static long? ParseInteger(string text)
    {
        if (!IntegerPattern().IsMatch(text)) return null;
        return long.TryParse(text.Replace("_", ""), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    static double? ParseDouble(string text)
    {
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF": return double.PositiveInfinity;
            case "-.inf" or "-.Inf" or "-.INF": return double.NegativeInfinity;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
        }
        if (!FloatPattern().IsMatch(text)) return null;
        return double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    // YAML 1.1 booleans, as the reference's PyYAML reads them (its configs write True/False).
    static bool? ParseBool(string text) => text.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => null,
    };

    static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    static string Expected(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(int) || t == typeof(long)) return "an integer";
        if (t == typeof(double) || t == typeof(float)) return "a number";
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a string";
        if (t.IsArray) return $"a list of {Noun(t.GetElementType()!)}";
        return "a mapping";
    }

    static string Noun(Type t) =>
        t == typeof(int) || t == typeof(long) ? "integers" : t == typeof(double) || t == typeof(float) ? "numbers" : t == typeof(string) ? "strings" : "values";

    static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => Show(s.Value ?? "", s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted),
        _ => "an alias",
    };

    static string Show(string text, bool quoted)
    {
        if (text.Length > 40) text = text[..40] + "...";
        return quoted ? $"\"{text}\"" : $"'{text}'";
    }

    static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    GlassException Error(string path, string what, YamlNode node) =>
        new($"{source}: {path}: {what} (line {node.Start.Line})");

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*)$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?([0-9][0-9_]*)?\.?[0-9_]*([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
