namespace Glass.Evaluation;

/// <summary>Normalized mutual information between two labelings, as scikit-learn's
/// <c>normalized_mutual_info_score</c> with its default arithmetic-mean normalisation (scikit-learn 1.1.1, the
/// reference's version): NMI = MI / ((H(U) + H(V)) / 2), natural logarithms. The label sets need not match in size
/// or values (learned action ids vs true labels).</summary>
public static class NormalizedMutualInformation
{
    public static double Compute(IReadOnlyList<int> labelsTrue, IReadOnlyList<int> labelsPredicted)
    {
        if (labelsTrue.Count != labelsPredicted.Count)
            throw new GlassException($"NMI: {labelsTrue.Count} true labels but {labelsPredicted.Count} predicted labels; they must pair up");
        int n = labelsTrue.Count;
        var classes = labelsTrue.Distinct().ToArray();
        var clusters = labelsPredicted.Distinct().ToArray();
        // Both labelings constant (or empty): scikit-learn calls this a perfect match.
        if (classes.Length == clusters.Length && classes.Length <= 1) return 1.0;

        var contingency = new Dictionary<(int, int), int>();
        var rowSums = new Dictionary<int, int>();
        var columnSums = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            var key = (labelsTrue[i], labelsPredicted[i]);
            contingency[key] = contingency.GetValueOrDefault(key) + 1;
            rowSums[labelsTrue[i]] = rowSums.GetValueOrDefault(labelsTrue[i]) + 1;
            columnSums[labelsPredicted[i]] = columnSums.GetValueOrDefault(labelsPredicted[i]) + 1;
        }
        double mutualInformation = 0;
        foreach (var ((u, v), count) in contingency)
            mutualInformation += (double)count / n * Math.Log((double)count * n / ((double)rowSums[u] * columnSums[v]));
        mutualInformation = Math.Max(mutualInformation, 0); // rounding can make an independent pair slightly negative
        if (mutualInformation == 0) return 0.0;
        double normalizer = Math.Max((Entropy(rowSums.Values, n) + Entropy(columnSums.Values, n)) / 2, double.Epsilon);
        return mutualInformation / normalizer;
    }

    /// <summary>Mean of per-group NMIs (the reference's "local NMI": one group per identity, all its transitions).
    /// NaN when there are no groups.</summary>
    public static double MeanOverGroups<TKey>(IEnumerable<IGrouping<TKey, (int True, int Predicted)>> groups)
    {
        var values = groups.Select(g => Compute(g.Select(p => p.True).ToList(), g.Select(p => p.Predicted).ToList())).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }

    /// <summary>numpy.finfo(float64).eps, scikit-learn's floor for the normalizer.</summary>
    const double Float64Epsilon = 2.220446049250313e-16;

    static double Entropy(IEnumerable<int> counts, int n) =>
        -counts.Sum(c => (double)c / n * Math.Log((double)c / n));
}
