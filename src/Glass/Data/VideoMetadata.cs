using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Glass.Data;

/// <summary>
/// Per-frame ground truth of one video, in our units: <c>actions.json</c> =
/// <c>{"global": [ids], "shifts": [[dx, dy]], "local": [ids], "bg_shifts": [[dx, dy]], "identity": n}</c>.
/// Entry t describes the move that led from frame t-1 to frame t. Shifts are displacements of the
/// layer's content in normalized image units (2 dx_px / W, 2 dy_px / H; positive = right/down).
/// Every field is optional (null = not recorded); present arrays have one entry per frame.
/// </summary>
public sealed class VideoMetadata
{
    public const string FileName = "actions.json";

    public int[]? Global { get; init; }
    /// <summary>(T, 2) foreground shifts.</summary>
    public float[][]? Shifts { get; init; }
    public int[]? Local { get; init; }
    /// <summary>(T, 2) background shifts.</summary>
    public float[][]? BackgroundShifts { get; init; }
    public int? Identity { get; init; }

    /// <summary>Throws when a present array does not have <paramref name="frames"/> entries or a shift is not a finite pair.</summary>
    public void Validate(int frames, string source)
    {
        void Check(int? length, string key)
        {
            if (length is { } n && n != frames)
                throw new GlassException($"{source}: \"{key}\" has {n} entries but the video has {frames} frames; regenerate the metadata");
        }
        Check(Global?.Length, "global");
        Check(Shifts?.Length, "shifts");
        Check(Local?.Length, "local");
        Check(BackgroundShifts?.Length, "bg_shifts");
        CheckPairs(Shifts, "shifts", source);
        CheckPairs(BackgroundShifts, "bg_shifts", source);
        if (Global is not null && Global.Any(g => g < 0 || g > 4))
            throw new GlassException($"{source}: \"global\" ids must be 0..4 (l, r, u, d, s)");
        if (Local is not null && Local.Any(l => l < 0))
            throw new GlassException($"{source}: \"local\" ids must be non-negative");
    }

    static void CheckPairs(float[][]? pairs, string key, string source)
    {
        if (pairs is null) return;
        for (int i = 0; i < pairs.Length; i++)
            if (pairs[i] is null || pairs[i].Length != 2 || !float.IsFinite(pairs[i][0]) || !float.IsFinite(pairs[i][1]))
                throw new GlassException($"{source}: \"{key}\"[{i}] must be a pair of finite numbers [dx, dy]");
    }

    /// <summary>Deterministic JSON text (fixed key order, shortest round-trip numbers).</summary>
    public string ToJson()
    {
        var sb = new StringBuilder("{");
        var first = true;
        void Key(string k)
        {
            if (!first) sb.Append(", ");
            first = false;
            sb.Append('"').Append(k).Append("\": ");
        }
        if (Global is not null) { Key("global"); sb.Append('[').Append(string.Join(", ", Global)).Append(']'); }
        if (Shifts is not null) { Key("shifts"); AppendPairs(sb, Shifts); }
        if (Local is not null) { Key("local"); sb.Append('[').Append(string.Join(", ", Local)).Append(']'); }
        if (BackgroundShifts is not null) { Key("bg_shifts"); AppendPairs(sb, BackgroundShifts); }
        if (Identity is not null) { Key("identity"); sb.Append(Identity.Value.ToString(CultureInfo.InvariantCulture)); }
        return sb.Append("}\n").ToString();
    }

    static void AppendPairs(StringBuilder sb, float[][] pairs)
    {
        sb.Append('[');
        for (int i = 0; i < pairs.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append('[').Append(pairs[i][0].ToString("R", CultureInfo.InvariantCulture)).Append(", ")
              .Append(pairs[i][1].ToString("R", CultureInfo.InvariantCulture)).Append(']');
        }
        sb.Append(']');
    }

    /// <summary>Parses actions.json; <paramref name="source"/> names the file in errors.</summary>
    public static VideoMetadata Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new GlassException($"{source}: expected a JSON object with keys global, shifts, local, bg_shifts, identity");
            int[]? global = null, local = null;
            float[][]? shifts = null, bg = null;
            int? identity = null;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "global": global = Ints(p.Value, source, p.Name); break;
                    case "local": local = Ints(p.Value, source, p.Name); break;
                    case "shifts": shifts = Pairs(p.Value, source, p.Name); break;
                    case "bg_shifts": bg = Pairs(p.Value, source, p.Name); break;
                    case "identity":
                        if (p.Value.ValueKind == JsonValueKind.Null) break;
                        if (!p.Value.TryGetInt32(out var id)) throw new GlassException($"{source}: \"identity\" must be an integer");
                        identity = id;
                        break;
                    default: throw new GlassException($"{source}: unknown key \"{p.Name}\" (expected global, shifts, local, bg_shifts, identity)");
                }
            }
            return new VideoMetadata { Global = global, Shifts = shifts, Local = local, BackgroundShifts = bg, Identity = identity };
        }
        catch (JsonException e)
        {
            throw new GlassException($"{source}: invalid JSON ({e.Message})", e);
        }
    }

    public static VideoMetadata Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { throw new GlassException($"{path}: cannot read ({e.Message})", e); }
        return Parse(text, path);
    }

    static int[]? Ints(JsonElement e, string source, string key)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Array) throw new GlassException($"{source}: \"{key}\" must be a list of integers");
        var r = new int[e.GetArrayLength()];
        int i = 0;
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetInt32(out r[i]))
                throw new GlassException($"{source}: \"{key}\"[{i}] must be an integer");
            i++;
        }
        return r;
    }

    static float[][]? Pairs(JsonElement e, string source, string key)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Array) throw new GlassException($"{source}: \"{key}\" must be a list of [dx, dy] pairs");
        var r = new float[e.GetArrayLength()][];
        int i = 0;
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Array || x.GetArrayLength() != 2)
                throw new GlassException($"{source}: \"{key}\"[{i}] must be a pair [dx, dy]");
            var a = x[0]; var b = x[1];
            if (a.ValueKind != JsonValueKind.Number || b.ValueKind != JsonValueKind.Number)
                throw new GlassException($"{source}: \"{key}\"[{i}] must hold two numbers");
            r[i++] = [a.GetSingle(), b.GetSingle()];
        }
        return r;
    }
}
