using System.Collections;
using System.Text;
using Glass.Checkpoints;
using Glass.Config;
using Glass.IO;
using Glass.Model;
using Glass.Model.Kernels;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using Xunit.Abstractions;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

/// <summary>
/// Parity with the reference implementation (fixture ../shared/reference/wsprites-seed1, see its README):
/// its checkpoint, its inputs, and every output of its evaluation-mode forward passes.
/// </summary>
public class ReferenceParityTests
{
    readonly ITestOutputHelper output;

    public ReferenceParityTests(ITestOutputHelper output)
    {
        InitializeTorch();
        this.output = output;
    }

    static readonly (string Prefix, int GroundTruth)[] Passes = [("eval_teacher", 5), ("eval_autoregressive", 1)];
    const double Gumbel = 0.4;
    const double Tolerance = 1e-4;
    /// <summary>How many times the reference's own float32 error (against float64) ours may differ from it
    /// where that exceeds 1e-4; measured up to 2.9x (transformed foregrounds).</summary>
    const double RoundingFactor = 4;

    static Hashtable Fixture() => PyTorchUnpickler.UnpickleStateDict(Path.Combine(TestPaths.ReferenceSeed1, "tensors.pt"));

    static GlassModel ReferenceModel()
    {
        var model = new GlassModel(new ModelConfig());
        PyTorchCheckpoint.Load(model, Path.Combine(TestPaths.ReferenceSeed1, "checkpoint.pt")).Dispose();
        model.eval();
        return model;
    }

    static Dictionary<string, Tensor> Outputs(GlassOutput o) => new()
    {
        ["masks"] = o.Masks, ["foregrounds"] = o.Foregrounds, ["backgrounds"] = o.Backgrounds,
        ["inpainted_backgrounds"] = o.InpaintedBackgrounds, ["shifted_backgrounds"] = o.ShiftedBackgrounds,
        ["background_shifts"] = o.BackgroundShifts, ["transformed_foregrounds"] = o.TransformedForegrounds,
        ["global_actions"] = o.GlobalActions, ["reconstructed_masks"] = o.ReconstructedMasks,
        ["reconstructed_observations"] = o.ReconstructedObservations, ["generated_observations"] = o.GeneratedObservations,
        ["local_states"] = o.LocalStates, ["reconstructed_local_states"] = o.ReconstructedLocalStates,
        ["reconstructed_foregrounds.0"] = o.ReconstructedForegrounds[0], ["reconstructed_foregrounds.1"] = o.ReconstructedForegrounds[1],
        ["reconstructed_foregrounds.2"] = o.ReconstructedForegrounds[2], ["local_action_vq_loss"] = o.LocalActionVqLoss,
        ["local_action_ids"] = o.LocalActionIds,
    };

    static double MaxErr(Tensor a, Tensor b) => (a.to(float64) - b.to(float64)).abs().max().item<double>();

    /// <summary>
    /// End to end: every output of both passes. Local action ids must be equal. The other tensors must agree
    /// to 1e-4, or, where float32 rounding is amplified, to 4x the rounding error the reference itself
    /// carries: the same model evaluated in float64 gives the exact values, and the bound is
    /// max(1e-4, 4 x |reference - exact|). Amplification: a layer shifted by a predicted shift moves sharp
    /// edges (a shift error of d normalised units moves an edge by 64 d pixels at 128 wide, so the 6e-6 the
    /// reference's own background shifts carry is 8e-4 at an edge of height 2), and the autoregressive loop
    /// re-encodes its own renderings; there the reference is itself up to 1.8e-3 away from the exact values,
    /// so no float32 implementation can be held to 1e-4 against it. The convolutions run as im2col + GEMM
    /// (<see cref="ConvolutionFormulation.Unfolded"/>), the reference's arithmetic: oneDNN's direct kernels
    /// round about twice as much (with them the bound would have to be 8x; docs/cpu-kernels.md), and
    /// <see cref="Float64AgreementTests"/> checks those kernels against float64 network by network.
    /// <see cref="EveryStageMatchesOnTheReferenceInputs"/> shows that no stage adds more than 1e-4.
    /// The table of errors is printed (run with --logger "console;verbosity=detailed").
    /// </summary>
    [Fact]
    public void EvaluationForwardMatchesTheReference()
    {
        using var scope = NewDisposeScope();
        var fixture = Fixture();
        var observations = (Tensor)fixture["observations"]!;
        var model = ReferenceModel();
        var exactModel = ReferenceModel();
        exactModel.to(float64);
        using var gemm = ConvolutionKernels.Use(new ConvolutionKernels { Force = ConvolutionFormulation.Unfolded });

        var report = new StringBuilder("max abs error per tensor: ours vs reference | reference vs exact (float64) | ours vs exact\n");
        var failures = new List<string>();
        foreach (var (prefix, gt) in Passes)
        {
            using var ours = model.Infer(observations, gt, Gumbel, outputGenerated: true);
            using var exact = exactModel.Infer(observations.to(float64), gt, Gumbel, outputGenerated: true);
            var o = Outputs(ours);
            var x = Outputs(exact);
            report.AppendLine(prefix);
            foreach (var (name, tensor) in o)
            {
                var reference = (Tensor)fixture[$"{prefix}.{name}"]!;
                Assert.True(reference.shape.SequenceEqual(tensor.shape), $"{prefix}.{name}: ours {Shape(tensor)}, reference {Shape(reference)}");
                if (name == "local_action_ids")
                {
                    bool equal = reference.eq(tensor).all().item<bool>();
                    report.AppendLine($"  {name,-30} {(equal ? "equal" : "DIFFERENT")} [{string.Join(",", tensor.data<long>().ToArray())}]");
                    if (!equal) failures.Add($"{prefix}.{name}");
                    continue;
                }
                double err = MaxErr(tensor, reference), refOwn = MaxErr(reference, x[name]), oursOwn = MaxErr(tensor, x[name]);
                double bound = Math.Max(Tolerance, RoundingFactor * refOwn);
                report.AppendLine($"  {name,-30} {err:E2} | {refOwn:E2} | {oursOwn:E2}{(err > Tolerance ? $"  (> 1e-4; bound {bound:E1})" : "")}");
                if (!(err <= bound)) failures.Add($"{prefix}.{name}: {err:E2} > {bound:E2}");
            }
        }
        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, "parity failures: " + string.Join("; ", failures) + "\n" + report);
    }

    /// <summary>
    /// Stage by stage: each component fed with the reference's own inputs for it agrees to 1e-4, so no
    /// stage adds more than float rounding (the end-to-end differences are propagated rounding).
    /// </summary>
    [Fact]
    public void EveryStageMatchesOnTheReferenceInputs()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var fixture = Fixture();
        Tensor R(string key) => (Tensor)fixture[key]!;
        var model = ReferenceModel();
        var observations = R("observations");
        var report = new StringBuilder("stage errors on reference inputs (max abs)\n");
        var failures = new List<string>();
        void Check(string name, Tensor ours, Tensor reference, double tolerance = Tolerance)
        {
            double err = MaxErr(ours, reference);
            report.AppendLine($"  {name,-44} {err:E2}");
            if (!(err <= tolerance)) failures.Add($"{name}: {err:E2}");
        }

        const string p = "eval_teacher";
        var masks = R($"{p}.masks");
        Check("masking network", model.Segment(observations), masks);
        var inpainting = model.InpaintingNetwork.Forward(observations, masks);
        Check("inpainting network (reference masks)", inpainting.InpaintedBackgrounds, R($"{p}.inpainted_backgrounds"));
        var inpainted = R($"{p}.inpainted_backgrounds");
        Check("background motion network", model.BackgroundMotion.forward(cat([inpainted[.., ..^1], inpainted[.., 1..]], 2)), R($"{p}.background_shifts"));
        var foregrounds = R($"{p}.foregrounds");
        Check("foreground motion network", model.ForegroundMotion.forward(cat([foregrounds[.., ..^1], foregrounds[.., 1..]], 2)), R($"{p}.global_actions"));
        Check("background shift", GlassModel.ShiftBackgrounds(inpainted[.., ..^1], R($"{p}.background_shifts")), R($"{p}.shifted_backgrounds"));
        var (movedForegrounds, movedMasks) = GlassModel.ShiftForegrounds(foregrounds[.., ..^1], masks[.., ..^1], R($"{p}.global_actions"));
        Check("foreground shift", movedForegrounds, R($"{p}.transformed_foregrounds"));
        Check("composition (reconstructed observations)", GlassModel.Composite(movedMasks, R($"{p}.transformed_foregrounds"), R($"{p}.shifted_backgrounds")), R($"{p}.reconstructed_observations"));

        foreach (var (prefix, gt) in Passes)
        {
            var las = model.LocalActionSeparator.Forward(R($"{prefix}.foregrounds"), R($"{prefix}.transformed_foregrounds"), R($"{prefix}.global_actions"), Gumbel, gt);
            Check($"{prefix}: local states", las.States, R($"{prefix}.local_states"));
            Check($"{prefix}: vq loss", las.VqLoss, R($"{prefix}.local_action_vq_loss"));
            bool ids = las.ActionIds.eq(R($"{prefix}.local_action_ids")).all().item<bool>();
            report.AppendLine($"  {prefix + ": local action ids",-44} {(ids ? "equal" : "DIFFERENT")}");
            if (!ids) failures.Add($"{prefix}: local action ids");
            if (gt == 5)
            {
                // Teacher-forced: one rendering per transition from real states.
                for (int r = 0; r < 3; r++) Check($"{prefix}: reconstructed foregrounds.{r}", las.ReconstructedForegrounds[r], R($"{prefix}.reconstructed_foregrounds.{r}"));
                Check($"{prefix}: reconstructed masks", las.ReconstructedMasks, R($"{prefix}.reconstructed_masks"));
                Check($"{prefix}: reconstructed local states", las.ReconstructedStates, R($"{prefix}.reconstructed_local_states"));
                var first = R($"{prefix}.inpainted_backgrounds")[.., ..1].expand(-1, 5, -1, -1, -1);
                var shifted = GlassModel.ShiftBackgrounds(first, R($"{prefix}.background_shifts").cumsum(1), GridSampleMode.Nearest);
                Check($"{prefix}: generated observations", GlassModel.Composite(R($"{prefix}.reconstructed_masks"), R($"{prefix}.reconstructed_foregrounds.0"), shifted), R($"{prefix}.generated_observations"));
            }
            else
            {
                // The first autoregressive step still starts from a real state.
                Check($"{prefix}: first rendered foreground", las.ReconstructedForegrounds[0][.., 0], R($"{prefix}.reconstructed_foregrounds.0")[.., 0]);
                Check($"{prefix}: first rendered mask", las.ReconstructedMasks[.., 0], R($"{prefix}.reconstructed_masks")[.., 0]);
            }
        }
        output.WriteLine(report.ToString());
        Assert.True(failures.Count == 0, "stage failures: " + string.Join("; ", failures) + "\n" + report);
    }
}
