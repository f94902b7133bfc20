using System.Collections;
using Razorvine.Pickle;

namespace Glass.Data;

/// <summary>
/// Metadata of datasets written by the reference W-Sprites generator (<c>glactions.pkl</c>: a dict with
/// "global", "shifts", "local", "bg_shifts") or in the PlayableVideoGeneration layout (<c>actions.pkl</c>:
/// a list of action ids or None). Read with Razorvine.Pickle and converted to our units.
/// </summary>
public static class ReferencePickles
{
    public const string GlobalLocalFile = "glactions.pkl";
    public const string ActionsFile = "actions.pkl";

    // The reference's W-Sprites units -> ours (2 dpx / 128 horizontally, 2 dpx / 96 vertically):
    // the character's shift is 2 dx / 64 and 2 dy / 32 (its walk range), so x/2 and y/3;
    // the background's is the crop-offset change 2 d / 25 in the 256-px crop that is shown at 128 x 96,
    // i.e. content moves by -d/2 px horizontally and -0.375 d px vertically, both -d/128 in our units.
    public const float ForegroundXScale = 0.5f;
    public const float ForegroundYScale = 1f / 3f;
    public const float BackgroundScale = -25f / 256f;

    /// <summary>Reads the reference pickles in <paramref name="folder"/>, or null when there are none.</summary>
    public static VideoMetadata? TryRead(string folder)
    {
        var gl = Path.Combine(folder, GlobalLocalFile);
        if (File.Exists(gl)) return ReadGlobalLocal(gl);
        var actions = Path.Combine(folder, ActionsFile);
        if (File.Exists(actions)) return ReadActions(actions);
        return null;
    }

    static object? Load(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var unpickler = new Unpickler();
            return unpickler.load(stream);
        }
        catch (Exception e) when (e is not GlassException and not OutOfMemoryException)
        {
            throw new GlassException($"{path}: not a readable pickle ({e.Message})", e);
        }
    }

    /// <summary>glactions.pkl: {"global": [ids], "local": [ids], "shifts": [(dx, dy)], "bg_shifts": [(dx, dy)]}.</summary>
    public static VideoMetadata ReadGlobalLocal(string path)
    {
        if (Load(path) is not IDictionary dict)
            throw new GlassException($"{path}: expected a dict with keys global, local, shifts, bg_shifts");
        object? Get(string key) => dict.Contains(key) ? dict[key] : throw new GlassException($"{path}: missing key '{key}' (expected global, local, shifts, bg_shifts)");
        var global = Ids(Get("global"), path, "global");
        var local = Ids(Get("local"), path, "local");
        var shifts = Pairs(Get("shifts"), path, "shifts", ForegroundXScale, ForegroundYScale);
        var bg = dict.Contains("bg_shifts") ? Pairs(dict["bg_shifts"], path, "bg_shifts", BackgroundScale, BackgroundScale) : null;
        return new VideoMetadata { Global = global, Local = local, Shifts = shifts, BackgroundShifts = bg };
    }

    /// <summary>actions.pkl: a list of action ids (or all None); used as both global and local ids like the reference does.</summary>
    public static VideoMetadata ReadActions(string path)
    {
        var ids = Ids(Load(path), path, "actions");
        return new VideoMetadata { Global = ids, Local = ids };
    }

    /// <summary>A list of ints, or null when every entry is None (the PlayableVideoGeneration "no labels" case).</summary>
    static int[]? Ids(object? value, string path, string key)
    {
        if (value is not IList list || value is string)
            throw new GlassException($"{path}: '{key}' must be a list of integers, got {Describe(value)}");
        if (list.Count > 0 && list.Cast<object?>().All(v => v is null)) return null;
        var ids = new int[list.Count];
        for (int i = 0; i < list.Count; i++)
            ids[i] = list[i] switch
            {
                int v => v,
                long v when v is >= int.MinValue and <= int.MaxValue => (int)v,
                bool b => b ? 1 : 0,
                null => throw new GlassException($"{path}: '{key}' mixes None and integers (entry {i} is None)"),
                var other => throw new GlassException($"{path}: '{key}'[{i}] must be an integer, got {Describe(other)}"),
            };
        return ids;
    }

    static float[][]? Pairs(object? value, string path, string key, float sx, float sy)
    {
        if (value is not IList list || value is string)
            throw new GlassException($"{path}: '{key}' must be a list of (dx, dy) pairs, got {Describe(value)}");
        if (list.Count > 0 && list.Cast<object?>().All(v => v is null)) return null;
        var r = new float[list.Count][];
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not IList pair || pair.Count != 2)
                throw new GlassException($"{path}: '{key}'[{i}] must be a pair (dx, dy), got {Describe(list[i])}");
            r[i] = [(float)(Number(pair[0], path, key, i) * sx), (float)(Number(pair[1], path, key, i) * sy)];
        }
        return r;
    }

    static double Number(object? v, string path, string key, int i) => v switch
    {
        int x => x,
        long x => x,
        double x => x,
        float x => x,
        decimal x => (double)x,
        System.Numerics.BigInteger x => (double)x,
        _ => throw new GlassException($"{path}: '{key}'[{i}] must hold numbers, got {Describe(v)}"),
    };

    static string Describe(object? v) => v switch
    {
        null => "None",
        string s => $"a string \"{(s.Length > 20 ? s[..20] + "..." : s)}\"",
        IDictionary => "a dict",
        object[] t => $"a tuple of {t.Length}",
        IList l => $"a list of {l.Count}",
        _ => v.GetType().Name,
    };
}
