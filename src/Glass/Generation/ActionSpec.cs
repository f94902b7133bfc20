using System.Globalization;
using System.Text;

namespace Glass.Generation;

/// <summary>
/// A sequence of generation steps written as text a person can type (docs/generation.md):
/// <c>right*4:2 stay*6:5 (0.05,-0.02)*3:1</c> = a global action (a name from
/// <c>generation.actions</c> in the config, or an explicit shift <c>dx,dy</c>), an optional repeat
/// count <c>*N</c> (default 1) and an optional local action id <c>:k</c> (default 0). Items are
/// separated by spaces, <c>;</c> or new lines; <c>#</c> starts a comment. Errors quote the
/// offending line with the bad part marked by carets.
/// </summary>
public sealed class ActionSpec
{
    public const int DefaultMaxSteps = 10_000;
    /// <summary>A shift beyond ±2 moves the agent out of the frame in one step: surely a typo.</summary>
    public const double MaxShift = 2.0;
    const long MaxFileBytes = 1 << 20;

    ActionSpec(IReadOnlyList<ActionStep> steps, string? source)
    {
        Steps = steps;
        Source = source;
    }

    /// <summary>The expanded steps (counts applied), in order.</summary>
    public IReadOnlyList<ActionStep> Steps { get; }

    /// <summary>Where the text came from (a file path, or a label such as "demo actions"); null for text the caller
    /// gave as its actions input, whose errors carry <see cref="GlassInput.Actions"/>.</summary>
    public string? Source { get; }

    public int Count => Steps.Count;

    /// <summary>Reads <paramref name="argument"/> as a file when such a file exists, else as the SPEC text itself.</summary>
    public static ActionSpec Load(string argument, IReadOnlyDictionary<string, double[]> globalActions, int numLocalActions,
        int maxSteps = DefaultMaxSteps)
    {
        if (File.Exists(argument))
        {
            var size = new FileInfo(argument).Length;
            if (size > MaxFileBytes)
                throw new GlassException($"{argument}: action file is {size} bytes; an action list should be far below {MaxFileBytes} bytes (one action per line)");
            return Parse(File.ReadAllText(argument), globalActions, numLocalActions, argument, maxSteps, isFile: true);
        }
        return Parse(argument, globalActions, numLocalActions, maxSteps: maxSteps);
    }

    /// <summary>Parses SPEC text. <paramref name="globalActions"/> maps names to (dx, dy) (config
    /// generation.actions); local ids must be in 0..<paramref name="numLocalActions"/>-1.</summary>
    /// <param name="source">what messages name as the text's origin; null = the caller's actions input</param>
    public static ActionSpec Parse(string text, IReadOnlyDictionary<string, double[]> globalActions, int numLocalActions,
        string? source = null, int maxSteps = DefaultMaxSteps, bool isFile = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (numLocalActions < 1) throw new ArgumentOutOfRangeException(nameof(numLocalActions), "a model has at least one local action");
        var names = new Dictionary<string, (string Name, double Dx, double Dy)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, shift) in globalActions)
        {
            if (shift is not { Length: 2 } || !double.IsFinite(shift[0]) || !double.IsFinite(shift[1]))
                throw new GlassException($"generation.actions.{name}: expected two finite numbers [dx, dy]");
            names[name] = (name, shift[0], shift[1]);
        }

        var lines = text.Replace("\r\n", "\n").Split('\n');
        var multiLine = isFile || lines.Length > 1;
        var steps = new List<ActionStep>();
        for (int lineIndex = 0; lineIndex < lines.Length; lineIndex++)
        {
            var line = lines[lineIndex].Replace('\t', ' ');
            var where = !multiLine ? source : source is null ? $"line {lineIndex + 1}" : $"{source}:{lineIndex + 1}";
            var context = new LineContext(where, line, InputOf(source));
            var comment = line.IndexOf('#');
            var content = comment >= 0 ? line[..comment] : line;
            foreach (var (start, length) in Items(content, context))
            {
                var item = ParseItem(content.Substring(start, length), start, context, names, numLocalActions, isFile);
                if (steps.Count + item.Count > maxSteps)
                    throw context.Error(start, length, $"the actions add up to more than {maxSteps} steps; generate shorter sequences");
                for (int r = 0; r < item.Count; r++) steps.Add(item.Step);
            }
        }
        if (steps.Count == 0)
            throw new GlassException(Located(source, $"no actions given (example: right*4:2 stay*6:5 up*3:0; known names: {string.Join(", ", globalActions.Keys)})")) { Input = InputOf(source) };
        return new ActionSpec(steps, source);
    }

    /// <summary>The text back in canonical form, run-length encoded: <c>right*4:2 stay*6:5</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Steps.Count;)
        {
            int j = i;
            while (j < Steps.Count && Steps[j] == Steps[i]) j++;
            if (sb.Length > 0) sb.Append(' ');
            var label = Steps[i].Label.Contains(',') ? $"({Steps[i].Label})" : Steps[i].Label;
            sb.Append(label);
            if (j - i > 1) sb.Append('*').Append(j - i);
            sb.Append(':').Append(Steps[i].LocalAction);
            i = j;
        }
        return sb.ToString();
    }

    /// <summary>Text without a source of its own is the caller's actions input.</summary>
    static GlassInput? InputOf(string? source) => source is null ? GlassInput.Actions : null;

    static string Located(string? where, string message) => where is null ? message : $"{where}: {message}";

    sealed record LineContext(string? Where, string Line, GlassInput? Input)
    {
        const int Window = 60;

        /// <summary>"where: message" (or the message alone) then the line with carets under [start, start+length).</summary>
        public GlassException Error(int start, int length, string message)
        {
            length = Math.Max(1, length);
            var shown = Line;
            var offset = start;
            if (Line.Length > 2 * Window + length)
            {
                // Long lines: show a window around the bad part so the carets stay on screen.
                var from = Math.Max(0, start - Window);
                var to = Math.Min(Line.Length, start + length + Window);
                shown = (from > 0 ? "..." : "") + Line[from..to] + (to < Line.Length ? "..." : "");
                offset = start - from + (from > 0 ? 3 : 0);
            }
            return new GlassException($"{Located(Where, message)}\n  {shown.TrimEnd()}\n  {new string(' ', offset)}{new string('^', length)}") { Input = Input };
        }
    }

    /// <summary>Splits a line into items at spaces and ';' (not inside parentheses).</summary>
    static IEnumerable<(int Start, int Length)> Items(string content, LineContext context)
    {
        int i = 0;
        while (i < content.Length)
        {
            while (i < content.Length && IsSeparator(content[i])) i++;
            if (i >= content.Length) yield break;
            int start = i, depth = 0;
            while (i < content.Length && (depth > 0 || !IsSeparator(content[i])))
            {
                if (content[i] == '(') depth++;
                else if (content[i] == ')' && --depth < 0)
                    throw context.Error(i, 1, "')' without a matching '('");
                i++;
            }
            if (depth > 0) throw context.Error(start, i - start, "'(' without a matching ')'; write a shift as (dx,dy)");
            yield return (start, i - start);
        }
    }

    static bool IsSeparator(char c) => c == ' ' || c == ';';

    static (ActionStep Step, int Count) ParseItem(string item, int offset, LineContext context,
        Dictionary<string, (string Name, double Dx, double Dy)> names, int numLocalActions, bool isFile)
    {
        string label;
        double dx, dy;
        int i;
        if (item[0] == '(')
        {
            var close = item.IndexOf(')');
            (dx, dy) = ParseShift(item[1..close], offset + 1, context);
            label = FormatShift(dx, dy);
            i = close + 1;
        }
        else
        {
            i = item.IndexOfAny(['*', ':']);
            if (i < 0) i = item.Length;
            var global = item[..i];
            if (global.Length == 0)
                throw context.Error(offset, 1, $"missing the global action before '{item[0]}' (a name such as {string.Join(", ", names.Values.Select(v => v.Name))}, or dx,dy)");
            if (global.Contains(','))
            {
                (dx, dy) = ParseShift(global, offset, context);
                label = FormatShift(dx, dy);
            }
            else if (names.TryGetValue(global, out var named))
                (label, dx, dy) = named;
            else
                throw context.Error(offset, global.Length, UnknownName(global, names, isFile));
        }

        int? count = null, local = null;
        while (i < item.Length)
        {
            var marker = item[i];
            if (marker != '*' && marker != ':')
                throw context.Error(offset + i, item.Length - i, $"unexpected '{item[i..]}': after the global action write *count and/or :local-id");
            int j = i + 1;
            while (j < item.Length && item[j] != '*' && item[j] != ':') j++;
            var token = item[(i + 1)..j];
            int tokenStart = offset + i + 1, tokenLength = Math.Max(1, token.Length);
            if (marker == '*')
            {
                if (count is not null) throw context.Error(offset + i, j - i, "the repeat count is given twice");
                if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                    throw context.Error(tokenStart, tokenLength, token.Length == 0 ? "missing the repeat count after '*'" : $"repeat count '{token}' is not a whole number");
                if (n < 1) throw context.Error(tokenStart, tokenLength, $"repeat count {n} must be at least 1");
                count = n;
            }
            else
            {
                if (local is not null) throw context.Error(offset + i, j - i, "the local action id is given twice");
                if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var k))
                    throw context.Error(tokenStart, tokenLength, token.Length == 0 ? "missing the local action id after ':'" : $"local action id '{token}' is not a whole number");
                if (k < 0 || k >= numLocalActions)
                    throw context.Error(tokenStart, tokenLength, $"local action id {k} is out of range: this model has {numLocalActions} local actions (0..{numLocalActions - 1})");
                local = k;
            }
            i = j;
        }
        return (new ActionStep(dx, dy, local ?? 0, label), count ?? 1);
    }

    static (double Dx, double Dy) ParseShift(string text, int offset, LineContext context)
    {
        var parts = text.Split(',');
        if (parts.Length != 2)
            throw context.Error(offset, text.Length, $"a shift is two numbers dx,dy (normalized units: 2 = the frame's width/height), not '{text}'");
        var values = new double[2];
        int partStart = offset;
        for (int p = 0; p < 2; p++)
        {
            var raw = parts[p];
            var trimmed = raw.Trim();
            var at = partStart + (raw.Length - raw.TrimStart().Length);
            if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw context.Error(at, trimmed.Length, trimmed.Length == 0 ? "missing a number in the shift dx,dy" : $"'{trimmed}' is not a number");
            if (Math.Abs(v) > MaxShift)
                throw context.Error(at, trimmed.Length, $"shift {v.ToString(CultureInfo.InvariantCulture)} is beyond ±{MaxShift} (normalized units: 2 = the whole frame); the named actions use about 0.07");
            values[p] = v;
            partStart += raw.Length + 1;
        }
        return (values[0], values[1]);
    }

    static string FormatShift(double dx, double dy) =>
        $"{dx.ToString("0.####", CultureInfo.InvariantCulture)},{dy.ToString("0.####", CultureInfo.InvariantCulture)}";

    static string UnknownName(string name, Dictionary<string, (string Name, double Dx, double Dy)> names, bool isFile)
    {
        var known = names.Values.Select(v => v.Name).ToList();
        var best = known.Select(k => (k, d: EditDistance(name.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(p => p.d <= Math.Max(1, p.k.Length / 3)).OrderBy(p => p.d).Select(p => p.k).FirstOrDefault();
        var sb = new StringBuilder($"unknown action '{name}'");
        if (best is not null) sb.Append($" (did you mean '{best}'?)");
        sb.Append($"; known: {string.Join(", ", known)}, or a shift dx,dy");
        if (!isFile && (name.Contains('.') || name.Contains('/')))
            sb.Append("; no file of that name exists either");
        return sb.ToString();
    }

    /// <summary>Edit distance counting a swap of neighbours as one edit ("rigth" is 1 from "right").</summary>
    static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
