using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text;

namespace Glass.Config;

/// <summary>The YAML view of the config classes: which properties are keys, their snake_case
/// names, and whether they accept null. Shared by the reader and the writer so both agree.</summary>
internal static class ConfigSchema
{
    internal sealed record Key(string Name, PropertyInfo Property, bool Nullable, int? Length);

    static readonly ConcurrentDictionary<Type, IReadOnlyList<Key>> Cache = new();
    static readonly NullabilityInfoContext NullabilityContext = new();

    /// <summary>Config classes are the sealed classes of this namespace; everything else is a value.</summary>
    public static bool IsSection(Type t) => t.IsClass && t.Namespace == typeof(GlassConfig).Namespace && t != typeof(string);

    public static IReadOnlyList<Key> KeysOf(Type section) => Cache.GetOrAdd(section, t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod?.IsPublic == true && p.SetMethod?.IsPublic == true && p.GetIndexParameters().Length == 0)
            .Select(p =>
            {
                bool nullable;
                lock (NullabilityContext) nullable = System.Nullable.GetUnderlyingType(p.PropertyType) is not null
                    || (!p.PropertyType.IsValueType && NullabilityContext.Create(p).WriteState == NullabilityState.Nullable);
                var length = p.GetCustomAttribute<LengthAttribute>();
                return new Key(SnakeCase(p.Name), p, nullable, length is { MinimumLength: var min, MaximumLength: var max } && min == max ? min : null);
            })
            .ToList());

    /// <summary>PascalCase → snake_case (`HiddenStateSize` → `hidden_state_size`).</summary>
    public static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The closest valid key to a mistyped one, or null when none is plausibly meant.</summary>
    public static string? Suggest(string typed, IEnumerable<string> valid)
    {
        static string Squash(string s) => s.Replace("_", "").Replace("-", "").ToLowerInvariant();
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in valid)
        {
            if (Squash(candidate) == Squash(typed)) return candidate; // camelCase or dash-case spelling
            int d = Levenshtein(typed.ToLowerInvariant(), candidate);
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return best is not null && bestDistance <= Math.Max(2, best.Length / 3) ? best : null;
    }

    static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
