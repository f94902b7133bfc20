using Glass.Model.LocalMotion;
using Glass.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Training;

public class CodebookRestartTests
{
    static Tensor Ids(params long[] ids) => tensor(ids).reshape(1, -1);
    static long[] Counts(int numCodes, params long[] ids) => CodebookRestart.Counts(Ids(ids), numCodes);

    [Fact]
    public void UnusedCodesMoveOntoBatchEmbeddingsAtTheEndOfAWindow()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var quantizer = new VectorQuantizer(4, 2);
        var before = quantizer.Codebook.detach().clone();
        var restart = new CodebookRestart(every: 2, numCodes: 4);
        var embeddings = tensor(new float[] { 10, 11, 20, 21, 30, 31 }).reshape(1, 3, 2);

        // Step 1 uses codes 0 and 1; no restart before the window ends.
        Assert.Equal(0, restart.Update(1, quantizer, Counts(quantizer.NumCodes, 0, 1, 1), embeddings));
        Assert.True(quantizer.Codebook.equal(before).all().item<bool>());

        // Step 2 ends the window: codes 2 and 3 were never chosen.
        Assert.Equal(2, restart.Update(2, quantizer, Counts(quantizer.NumCodes, 0, 0, 1), embeddings));
        var after = quantizer.Codebook.detach();
        Assert.True(after[..2].equal(before[..2]).all().item<bool>());
        var rows = embeddings.reshape(-1, 2);
        for (int k = 2; k < 4; k++)
            Assert.Contains(Enumerable.Range(0, 3), r => after[k].equal(rows[r]).all().item<bool>());

        // A new window starts empty: a code used in it is kept.
        var snapshot = after.clone();
        Assert.Equal(0, restart.Update(3, quantizer, Counts(quantizer.NumCodes, 0, 1, 2), embeddings));
        Assert.Equal(1, restart.Update(4, quantizer, Counts(quantizer.NumCodes, 0, 1, 2), embeddings)); // only code 3 unused
        Assert.True(quantizer.Codebook[..3].equal(snapshot[..3]).all().item<bool>());
    }

    [Fact]
    public void DisabledNeverTouchesTheCodebook()
    {
        using var scope = NewDisposeScope();
        var quantizer = new VectorQuantizer(3, 2);
        var before = quantizer.Codebook.detach().clone();
        var restart = new CodebookRestart(every: 0, numCodes: 3);
        for (int s = 1; s <= 5; s++) Assert.Equal(0, restart.Update(s, quantizer, Counts(quantizer.NumCodes, 0, 0), zeros(1, 2, 2)));
        Assert.True(quantizer.Codebook.equal(before).all().item<bool>());
    }

    [Fact]
    public void UsageCountsCodesAndPerplexity()
    {
        using var scope = NewDisposeScope();
        Assert.Equal((1, 1.0), Round(CodebookRestart.Usage(Counts(4, 2, 2, 2, 2))));
        Assert.Equal((4, 4.0), Round(CodebookRestart.Usage(Counts(4, 0, 1, 2, 3))));
        Assert.Equal((2, 2.0), Round(CodebookRestart.Usage(Counts(4, 0, 3, 0, 3))));
    }

    static (int, double) Round((int Used, double Perplexity) u) => (u.Used, Math.Round(u.Perplexity, 6));
}
