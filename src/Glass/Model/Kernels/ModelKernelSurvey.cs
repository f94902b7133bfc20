using Glass.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Kernels;

/// <summary>
/// Runs the self-check on every convolution case a model of a configuration meets in one evaluation pass
/// (random weights: the kernels depend on shapes, not values), without touching the process's choices.
/// </summary>
public static class ModelKernelSurvey
{
    /// <returns>one check per case, in the order the forward pass meets them</returns>
    /// <param name="precision">the precision the convolutions run in (runtime.convolution_precision)</param>
    public static IReadOnlyList<KernelCheck> Run(ModelConfig config, ScalarType precision = ScalarType.Float32)
    {
        var kernels = new ConvolutionKernels { Precision = precision };
        using var use = ConvolutionKernels.Use(kernels);
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        // The random initialisation draws from the global generator; restoring it leaves training reproducible.
        var state = torch.random.get_rng_state();
        using var model = new GlassModel(config);
        torch.random.set_rng_state(state);
        model.eval();
        var (width, height) = config.FrameSize();
        var frames = torch.linspace(-1, 1, 2 * 3 * 3 * height * width).reshape(2, 3, 3, height, width);
        using var output = model.Infer(frames, numGroundTruthObservations: 1, gumbelTemperature: 1.0);
        return kernels.Checks;
    }

    /// <summary>The survey of <paramref name="label"/> as `glass info` prints it: a summary line, then the notable
    /// cases (wrong, routed by rule or switched by the self-check), or every case with <paramref name="listAll"/>.</summary>
    public static IEnumerable<string> Describe(string label, IReadOnlyList<KernelCheck> checks, bool listAll)
    {
        int wrong = checks.Count(c => c.DirectWrong), byRule = checks.Count(c => c.ByRule != ConvolutionFormulation.Direct);
        double seconds = checks.Sum(c => c.Elapsed.TotalSeconds);
        var verdict = wrong == 0 ? "the fast kernel is right in every case it ran" : $"the fast kernel is WRONG in {wrong}";
        yield return $"  {label}: {checks.Count} cases in {seconds:F2} s; {verdict}; {byRule} routed around a known fault by rule";
        foreach (var c in checks.Where(c => listAll || c.DirectWrong || c.ByRule != ConvolutionFormulation.Direct || c.Switched))
            yield return $"    {c}";
    }
}
