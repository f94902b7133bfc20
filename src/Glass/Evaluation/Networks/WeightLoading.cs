using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation.Networks;

/// <summary>Copies a published state_dict into one of our networks, checking every name and shape so a file of the
/// wrong network fails with a message naming the layout it should have.</summary>
public static class WeightLoading
{
    /// <param name="layout">what the file should be, e.g. "the LPIPS linear layers (lin0..lin4) for AlexNet".</param>
    /// <param name="aliases">other names under which a tensor of ours may appear in the file (tried after our own name).</param>
    public static void LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string path, string layout,
        Func<string, IEnumerable<string>>? aliases = null)
    {
        var missing = new List<string>();
        var wrongShape = new List<string>();
        var pairs = new List<(Tensor Target, Tensor Source)>();
        var expected = module.state_dict().Where(p => !p.Key.EndsWith("num_batches_tracked")).ToList();
        foreach (var (name, target) in expected)
        {
            var candidates = new[] { name }.Concat(aliases?.Invoke(name) ?? []);
            var sourceName = candidates.FirstOrDefault(weights.ContainsKey);
            if (sourceName is null) { missing.Add($"'{name}' {Shape(target)}"); continue; }
            var source = weights[sourceName];
            if (!source.shape.SequenceEqual(target.shape)) { wrongShape.Add($"'{sourceName}' is {Shape(source)}, expected {Shape(target)}"); continue; }
            pairs.Add((target, source));
        }
        if (missing.Count > 0 || wrongShape.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0) problems.Add($"{missing.Count} of {expected.Count} tensors missing (e.g. {string.Join(", ", missing.Take(3))})");
            if (wrongShape.Count > 0) problems.Add($"{wrongShape.Count} with the wrong shape (e.g. {string.Join("; ", wrongShape.Take(2))})");
            var found = string.Join(", ", weights.Keys.Take(3).Select(k => $"'{k}'"));
            throw new GlassException($"'{path}' is not {layout}: {string.Join(", ", problems)}; the file holds {weights.Count} tensors such as {found}");
        }
        using (no_grad())
            foreach (var (target, source) in pairs)
                target.copy_(source.to(target.dtype));
    }

    static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";
}
