using Glass.Model.LocalMotion;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

/// <summary>The dynamics network's BatchNorm with running statistics per time step (normalization: per_step).</summary>
public class PerStepStatisticsTests
{
    /// <summary>3 steps of one recurrent block on fixed inputs whose scale grows with the step; each step's output.</summary>
    static List<Tensor> Unroll(RecurrentBlock block, Tensor inputs /* (T, B, 4, 4, 4) */)
    {
        using var noGrad = no_grad();
        var state = block.Lstm.InitialState(inputs.shape[1]);
        var outputs = new List<Tensor>();
        for (int i = 0; i < inputs.shape[0]; i++)
        {
            var (output, next) = block.Step([inputs[i]], state, i);
            outputs.Add(output);
            state = next;
        }
        return outputs;
    }

    static double Gap(bool perStep)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(4);
        var block = new RecurrentBlock(new Glass.Model.Layers.ConvLstm(4, 8, 4, 4), 8, perStep);
        var scale = tensor(new float[] { 0.2f, 2f, 8f }).reshape(3, 1, 1, 1, 1);
        var inputs = randn([3, 16, 4, 4, 4]) * scale;
        // Running statistics of exactly this batch: cumulative averages over one pass.
        foreach (var m in block.modules().OfType<TorchSharp.Modules.BatchNorm>()) { m.reset_running_stats(); m.momentum = null; }
        if (perStep) block.BeginCumulative();
        block.train();
        var training = Unroll(block, inputs);
        if (perStep) block.EndCumulative();
        block.eval();
        var evaluation = Unroll(block, inputs);
        return training.Zip(evaluation).Max(p => (p.First - p.Second).abs().max().item<float>());
    }

    [Fact]
    public void EvaluationNormalisesEachStepAsTrainingDid()
    {
        // Per-step statistics: eval mode on the batch the statistics came from gives the training-mode outputs
        // (up to the unbiased/biased variance of BatchNorm's running average, 256/255).
        double perStep = Gap(perStep: true);
        Assert.True(perStep < 0.05, $"per-step statistics: eval differs from training by {perStep}");
        // One average over all steps (the reference's BatchNorm) cannot do that when the scale changes over time.
        double shared = Gap(perStep: false);
        Assert.True(shared > 10 * perStep && shared > 0.2, $"shared statistics: {shared}, per-step: {perStep}");
    }

    [Fact]
    public void PerStepBuffersAreInTheStateDictOnlyWhenAskedFor()
    {
        using var withSteps = new DynamicsNetwork(stateSize: 4, stateHeight: 4, stateWidth: 4, hiddenStateSize: 8, actionSpaceDimension: 4, perStepStatistics: true);
        using var reference = new DynamicsNetwork(stateSize: 4, stateHeight: 4, stateWidth: 4, hiddenStateSize: 8, actionSpaceDimension: 4);
        var names = withSteps.state_dict().Keys.ToHashSet();
        Assert.Contains("recurrent_layers_blocks.0.step_running_mean", names);
        Assert.Equal(new long[] { RecurrentBlock.StatisticSteps, 8 }, withSteps.state_dict()["recurrent_layers_blocks.0.step_running_var"].shape);
        Assert.DoesNotContain(reference.state_dict().Keys, k => k.Contains("step_running"));
        Assert.Subset(names, reference.state_dict().Keys.ToHashSet());
    }

    [Fact]
    public void StepsLaterThanTrainingUseTheLastTrainedStatistics()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        var block = new RecurrentBlock(new Glass.Model.Layers.ConvLstm(4, 8, 4, 4), 8, perStepStatistics: true);
        var inputs = randn([5, 16, 4, 4, 4]);
        block.train();
        Unroll(block, inputs[..3]); // statistics for steps 0..2 only
        block.eval();
        using var noGrad = no_grad();
        var state = block.Lstm.InitialState(16);
        for (int i = 0; i < 2; i++) state = block.Step([inputs[i]], state, i).State;
        // Step 2 was trained; steps 3 and 4 were not and must normalise exactly as step 2 would.
        var (atTwo, _) = block.Step([inputs[2]], state, 2);
        var (atFour, _) = block.Step([inputs[2]], state, 4);
        Assert.Equal(0f, (atTwo - atFour).abs().max().item<float>());
    }
}
