using Glass.Checkpoints;
using Glass.Config;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using Xunit;

namespace Glass.Tests.Config;

/// <summary>Every reference config builds a model whose weights have the names and shapes the
/// config implies; configs that share the paper's architecture match the reference checkpoint.</summary>
public class ReferenceConfigArchitectureTests
{
    public ReferenceConfigArchitectureTests() => TorchRuntime.Initialize();

    const string Las = "local_action_separator.";

    [Fact]
    public void EveryReferenceConfigBuildsItsArchitecture()
    {
        using var reference = PyTorchCheckpoint.Read(Path.Combine(TestPaths.ReferenceSeed1, "checkpoint.pt"));
        var paper = GlassConfig.Load(Path.Combine(TestPaths.ReferenceConfigs, "wsprites.yaml"));
        int samePaperArchitecture = 0;
        // Configs with equal model sections (the loss ablations) build one model between them.
        var configs = Directory.GetFiles(TestPaths.ReferenceConfigs).Order().Select(GlassConfig.Load).ToList();
        var distinct = configs.Where((c, i) => !configs.Take(i).Any(earlier => c.DifferencesFrom(earlier, "model").Count == 0)).ToList();
        Assert.Equal(10, distinct.Count); // paper, 4/9/12 actions, 4 architecture ablations, tennis, bair
        foreach (var config in distinct)
        {
            var a = config.Model.ActionSeparator;
            using var model = new GlassModel(config.Model);
            var shapes = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
            var name = config.Name;

            Assert.Equal([a.StateCompressor.OutChannels, a.RepresentationNetwork.OutChannels, 1, 1], shapes[Las + "state_compressor.0.weight"]);
            Assert.Equal([a.DynamicsNetwork.HiddenStateSize, a.DynamicsNetwork.StateResolution[0], a.DynamicsNetwork.StateResolution[1]],
                shapes[Las + "dynamics_network.recurrent_layers_blocks.0.0.initial_hidden_cell_state"]);
            Assert.Equal(a.RenderingNetwork.OutChannels + 1, shapes[Las + "rendering_network.backbone.final_blocks.2.conv.weight"][0]);
            if (!a.ActionNetwork.UseGumbel)
                Assert.Equal([a.ActionNetwork.NumActions, a.ActionNetwork.ActionSpaceDimension], shapes[Las + "action_network.action_codes_quantizer.embedding.weight"]);

            // Same model section as the paper up to the number of actions: the reference checkpoint's
            // names and shapes exactly, except the K rows of the codebook.
            var differences = config.DifferencesFrom(paper, "model")
                .Where(k => !k.EndsWith(".num_actions", StringComparison.Ordinal)).ToList();
            if (differences.Count > 0) continue;
            samePaperArchitecture++;
            Assert.True(reference.StateDict.Keys.Order().SequenceEqual(shapes.Keys.Order()), $"{name}: parameter names differ from the reference checkpoint");
            foreach (var (key, tensor) in reference.StateDict)
                if (!key.EndsWith("action_codes_quantizer.embedding.weight", StringComparison.Ordinal))
                    Assert.True(tensor.shape.SequenceEqual(shapes[key]), $"{name}: {key} is [{string.Join(", ", shapes[key])}], reference [{string.Join(", ", tensor.shape)}]");
        }
        // wsprites (with its seven loss ablations) and the 4/9/12-action variants.
        Assert.Equal(4, samePaperArchitecture);
    }
}
