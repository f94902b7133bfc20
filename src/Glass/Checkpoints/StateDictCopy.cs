using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Checkpoints;

/// <summary>One tensor of a module whose counterpart in a file has another shape.</summary>
public sealed record MisShapedTensor(string Name, string FileName, long[] FileShape, long[] ModelShape);

/// <summary>What keeps a file's tensors from being copied into a module. <see cref="Unexpected"/> is only
/// filled when the match rejects extra tensors (our checkpoints).</summary>
public sealed record StateDictMismatch(
    IReadOnlyList<(string Name, long[] Shape)> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<MisShapedTensor> MisShaped,
    int ExpectedCount,
    IReadOnlyDictionary<string, Tensor> File);

/// <summary>
/// The one strict state_dict copier: every tensor of the module must be in the file (by its name, or an alias)
/// with the module's shape, or nothing is copied and a <see cref="GlassException"/> says what is wrong. Two
/// policies: a <see cref="Checkpoint"/> (ours or the reference's) must hold exactly the module's tensors; a
/// <see cref="Published"/> weight file (torchvision, LPIPS, pytorch-fid, pytorch-i3d) may hold layers we do not
/// use and may lack BatchNorm's step counters.
/// </summary>
public sealed class StateDictCopy
{
    bool _rejectUnexpected;
    bool _optionalBatchCounters;
    Func<string, IEnumerable<string>>? _aliases;
    Func<StateDictMismatch, string> _describe = _ => "";
    string _source = "";

    StateDictCopy() { }

    /// <summary>A model checkpoint: names and shapes exactly the module's.</summary>
    public static StateDictCopy Checkpoint(string source) => new()
    {
        _rejectUnexpected = true,
        _source = source,
        _describe = m => DescribeCheckpoint(source, m),
    };

    /// <param name="path">the file(s) read, as the message names them</param>
    /// <param name="layout">what the file should be, e.g. "a torchvision vgg19 state_dict (features.N.weight/bias)"</param>
    /// <param name="aliases">other names under which a tensor of ours may appear in the file (tried after our own name)</param>
    public static StateDictCopy Published(string path, string layout, Func<string, IEnumerable<string>>? aliases = null) => new()
    {
        _optionalBatchCounters = true,
        _aliases = aliases,
        _source = $"'{path}'",
        _describe = m => DescribePublished(path, layout, m),
    };

    /// <summary>Checks every name and shape, then copies the values into <paramref name="module"/> (cast to its dtypes).</summary>
    public void Into(nn.Module module, IReadOnlyDictionary<string, Tensor> file)
    {
        var target = module.state_dict();
        var missing = new List<(string, long[])>();
        var misShaped = new List<MisShapedTensor>();
        var pairs = new List<(string Name, Tensor Target, Tensor Source)>();
        var expected = target.Where(p => !(_optionalBatchCounters && p.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))).ToList();
        foreach (var (name, tensor) in expected)
        {
            var fileName = new[] { name }.Concat(_aliases?.Invoke(name) ?? []).FirstOrDefault(file.ContainsKey);
            if (fileName is null) { missing.Add((name, tensor.shape)); continue; }
            var source = file[fileName];
            if (!source.shape.SequenceEqual(tensor.shape)) { misShaped.Add(new(name, fileName, source.shape, tensor.shape)); continue; }
            pairs.Add((name, tensor, source));
        }
        var unexpected = _rejectUnexpected ? file.Keys.Where(k => !target.ContainsKey(k)).ToList() : [];
        if (missing.Count + unexpected.Count + misShaped.Count > 0)
            throw new GlassException(_describe(new StateDictMismatch(missing, unexpected, misShaped, expected.Count, file)));
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor, source) in pairs)
        {
            if (torch.is_floating_point(source) != torch.is_floating_point(tensor))
                throw new GlassException($"{_source}: {name} has dtype {source.dtype}, the model expects {tensor.dtype}");
            tensor.copy_(source);
        }
    }

    static string DescribeCheckpoint(string source, StateDictMismatch m)
    {
        var parts = new List<string>();
        void List(string title, IReadOnlyList<string> keys)
        {
            if (keys.Count == 0) return;
            parts.Add($" {keys.Count} {title}: {string.Join("; ", keys.Take(10))}{(keys.Count > 10 ? $"; ... ({keys.Count - 10} more)" : "")}.");
        }
        List("missing", m.Missing.Select(k => k.Name).ToList());
        List("unexpected", m.Unexpected);
        List("mis-shaped", m.MisShaped.Select(s => $"{s.Name} (checkpoint [{string.Join(", ", s.FileShape)}], model [{string.Join(", ", s.ModelShape)}])").ToList());
        return $"{source}: checkpoint does not match the model configuration (use the config it was trained with):{string.Concat(parts)}";
    }

    static string DescribePublished(string path, string layout, StateDictMismatch m)
    {
        var problems = new List<string>();
        if (m.Missing.Count > 0)
            problems.Add($"{m.Missing.Count} of {m.ExpectedCount} tensors missing (e.g. {string.Join(", ", m.Missing.Take(3).Select(k => $"'{k.Name}' {Shape(k.Shape)}"))})");
        if (m.MisShaped.Count > 0)
            problems.Add($"{m.MisShaped.Count} with the wrong shape (e.g. {string.Join("; ", m.MisShaped.Take(2).Select(s => $"'{s.FileName}' is {Shape(s.FileShape)}, expected {Shape(s.ModelShape)}"))})");
        var found = string.Join(", ", m.File.Keys.Take(3).Select(k => $"'{k}'"));
        return $"'{path}' is not {layout}: {string.Join(", ", problems)}; the file holds {m.File.Count} tensors such as {found}";
    }

    static string Shape(long[] shape) => "(" + string.Join(", ", shape) + ")";
}
