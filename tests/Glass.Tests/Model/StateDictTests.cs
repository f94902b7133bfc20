using Glass.Checkpoints;
using Glass.Config;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static Glass.Tests.Model.ModelTestSupport;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

public class StateDictTests
{
    public StateDictTests() => InitializeTorch();

    static string CheckpointPath => Path.Combine(TestPaths.ReferenceSeed1, "checkpoint.pt");

    [Fact]
    public void PaperModelHasExactlyTheReferenceCheckpointKeysAndShapes()
    {
        using var contents = PyTorchCheckpoint.Read(CheckpointPath);
        var model = new GlassModel(new ModelConfig());
        var ours = model.state_dict();
        Assert.Equal(651, contents.StateDict.Count);
        Assert.Equal(contents.StateDict.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, t) in contents.StateDict)
        {
            Assert.True(t.shape.SequenceEqual(ours[name].shape), $"{name}: reference {Shape(t)}, ours {Shape(ours[name])}");
            Assert.Equal(t.dtype, ours[name].dtype);
        }
        Assert.Equal(0L, contents.GlobalStep);
    }

    public static TheoryData<string> AblationConfigs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TestPaths.ReferenceConfigs).Order())
            if (Path.GetFileName(f).StartsWith("wsprites", StringComparison.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    /// <summary>Every W-Sprites ablation config builds at paper widths with the layout its switches imply,
    /// and runs forward (teacher-forced and autoregressive) at small widths with the same switches.</summary>
    [Theory]
    [MemberData(nameof(AblationConfigs))]
    public void EveryAblationSwitchBuildsAndRuns(string file)
    {
        using var scope = NewDisposeScope();
        var config = GlassConfig.Load(Path.Combine(TestPaths.ReferenceConfigs, file)).Model;
        var las = config.ActionSeparator;
        var paper = new GlassModel(config).state_dict();
        int k = las.ActionNetwork.NumActions, s = las.ActionNetwork.StateSize, d = las.ActionNetwork.ActionSpaceDimension;
        const string an = "local_action_separator.action_network.";
        const string dn = "local_action_separator.dynamics_network.";
        Assert.Equal([k, d], paper[an + "action_codes_quantizer.embedding.weight"].shape);
        if (las.ActionNetwork.UseGumbel)
            Assert.Equal([k, s], paper[an + "final_mlp.weight"].shape);
        else
            Assert.Equal([d, s], paper[an + "final_mlp.6.weight"].shape);
        bool modulated = las.DynamicsNetwork.ModulatedConv;
        Assert.Equal(modulated, paper.ContainsKey(dn + "non_recurrent_blocks.0.affine.weight"));
        Assert.Equal(!modulated, paper.ContainsKey(dn + "non_recurrent_blocks.0.conv1.weight"));
        int aux = (las.DynamicsNetwork.JointInput ? 2 : 1) * las.DynamicsNetwork.StateSize + las.DynamicsNetwork.NoiseSize;
        Assert.Equal(las.DynamicsNetwork.StateSize + aux + las.DynamicsNetwork.HiddenStateSize,
            paper[dn + "recurrent_layers_blocks.0.0.cell.input_gate.weight"].shape[1]);

        var small = SmallConfig(c =>
        {
            var a = c.ActionSeparator;
            a.ActionNetwork.UseGumbel = las.ActionNetwork.UseGumbel;
            a.ActionNetwork.UsePlainDirection = las.ActionNetwork.UsePlainDirection;
            a.ActionNetwork.NumActions = a.DynamicsNetwork.NumActions = las.ActionNetwork.NumActions;
            a.DynamicsNetwork.ModulatedConv = las.DynamicsNetwork.ModulatedConv;
            a.DynamicsNetwork.JointInput = las.DynamicsNetwork.JointInput;
            a.DynamicsNetwork.NoiseSize = las.DynamicsNetwork.NoiseSize;
        });
        var model = Build(small);
        foreach (int gt in new[] { 2, 1 })
        {
            using var o = model.Forward(Frames(2, 3), gt, 0.4, outputGenerated: true);
            Assert.Equal([2L, 2], o.LocalActionIds.shape);
            Assert.True(o.LocalActionIds.min().item<long>() >= 0 && o.LocalActionIds.max().item<long>() < k);
            Assert.False(o.GeneratedObservations.isnan().any().item<bool>());
            Assert.Equal(las.ActionNetwork.UseGumbel, o.LocalActionProbabilities is not null);
            o.ReconstructedForegrounds[0].mean().backward();
        }
    }

    [Theory]
    [InlineData("bair.yaml")]
    [InlineData("tennis_single_player.yaml")]
    public void OtherReferenceConfigsBuild(string file)
    {
        var config = GlassConfig.Load(Path.Combine(TestPaths.ReferenceConfigs, file)).Model;
        var model = new GlassModel(config);
        var r = config.ActionSeparator.DynamicsNetwork.StateResolution;
        Assert.Equal([config.ActionSeparator.DynamicsNetwork.HiddenStateSize, r[0], r[1]],
            model.state_dict()["local_action_separator.dynamics_network.recurrent_layers_blocks.0.0.initial_hidden_state"].shape);
        Assert.Equal(651, model.state_dict().Count);
    }

    [Fact]
    public void NoiseChannelsAreAcceptedByTheDynamics()
    {
        using var scope = NewDisposeScope();
        var model = Build(SmallConfig(c => c.ActionSeparator.DynamicsNetwork.NoiseSize = 3));
        using var o = model.Forward(Frames(1, 3), 1, 0.4);
        Assert.Equal([1L, 2, 3, SmallHeight, SmallWidth], o.ReconstructedForegrounds[0].shape);
        var dyn = model.LocalActionSeparator.Dynamics;
        var x = zeros(1, 4, 4, 6);
        var (a, _) = dyn.Step(x, zeros(1, 4), zeros(1, 2), dyn.InitialMemory(1), randomizeNoise: false);
        var (b, _) = dyn.Step(x, zeros(1, 4), zeros(1, 2), dyn.InitialMemory(1), randomizeNoise: true);
        Assert.Equal(a.shape, b.shape);
    }
}
