using Glass.Model.LocalMotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// Dead-code restarts for the local action codebook (training.code_restart_every; off in the reference).
/// A VQ codebook trained from scratch tends to send every transition to one code long before the dynamics
/// learns to use the action; on a short CPU run that leaves the local actions collapsed. Every N steps,
/// each code that no transition chose during those N steps is moved onto an action-head output drawn at
/// random from the current batch, by a generator seeded with (training seed, step): a resumed run draws
/// the same rows, and nothing else that uses torch's global generator (another model in the process) can
/// change them.
/// Usage counts cover whole windows of N steps aligned to the global step, so with a checkpoint interval that
/// is a multiple of N a resumed run restarts exactly as an uninterrupted one.
/// </summary>
public sealed class CodebookRestart
{
    readonly int _every;
    readonly long[] _usage;
    readonly long _seed;

    public CodebookRestart(int every, int numCodes, long seed = 0)
    {
        _every = every;
        _usage = new long[numCodes];
        _seed = seed;
    }

    public bool Enabled => _every > 0;

    /// <summary>How often each code was chosen in a batch: one bincount, read back once per step for both the
    /// restart window and the logged usage.</summary>
    public static long[] Counts(Tensor ids /* (B, T-1) int64 */, int numCodes)
    {
        using var scope = NewDisposeScope();
        return ids.flatten().bincount(null, numCodes).cpu().data<long>().ToArray();
    }

    /// <summary>Adds the step's counts and, at the end of a window, restarts the unused codes.</summary>
    /// <param name="step">the step just completed (1-based)</param>
    /// <param name="counts">the step's <see cref="Counts"/></param>
    /// <returns>how many codes were restarted</returns>
    public int Update(long step, VectorQuantizer quantizer, long[] counts, Tensor embeddings /* (B, T-1, D) */)
    {
        if (!Enabled) return 0;
        for (int k = 0; k < _usage.Length; k++) _usage[k] += counts[k];
        if (step % _every != 0) return 0;
        var dead = Enumerable.Range(0, _usage.Length).Where(k => _usage[k] == 0).ToArray();
        Array.Clear(_usage);
        if (dead.Length == 0) return 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var candidates = embeddings.detach().reshape(-1, embeddings.shape[^1]);
        using var generator = new Generator(unchecked((ulong)(_seed * 1_000_003 + step)));
        var rows = randint(candidates.shape[0], [dead.Length], generator: generator).to(candidates.device);
        var target = tensor(dead.Select(k => (long)k).ToArray(), device: candidates.device);
        quantizer.Codebook.index_copy_(0, target, candidates.index_select(0, rows).to(quantizer.Codebook.dtype));
        return dead.Length;
    }

    /// <summary>Distinct codes chosen and the perplexity of their frequencies (K when uniform, 1 when collapsed).</summary>
    public static (int Used, double Perplexity) Usage(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        double entropy = -counts.Where(c => c > 0).Sum(c => c / total * Math.Log(c / total));
        return (counts.Count(c => c > 0), Math.Exp(entropy));
    }
}
