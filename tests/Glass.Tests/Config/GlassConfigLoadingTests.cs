using Glass.Config;
using Xunit;

namespace Glass.Tests.Config;

public class GlassConfigLoadingTests
{
    static string Ref(string name) => Path.Combine(TestPaths.ReferenceConfigs, name);

    public static TheoryData<string> ReferenceConfigs()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TestPaths.ReferenceConfigs).Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void AllSeventeenReferenceConfigsArePresent() =>
        Assert.Equal(17, Directory.GetFiles(TestPaths.ReferenceConfigs).Count(f => f.EndsWith(".yaml") || f.EndsWith(".yml")));

    [Theory]
    [MemberData(nameof(ReferenceConfigs))]
    public void ReferenceConfigLoadsUnchangedAndRoundTrips(string file)
    {
        var config = GlassConfig.Load(Ref(file));
        Assert.Equal(Path.GetFileNameWithoutExtension(file) switch
        {
            "tennis_single_player" => "tennis",
            var n => n,
        }, config.Name);
        var yaml = config.ToYaml();
        var again = GlassConfig.Parse(yaml, "roundtrip");
        Assert.Equal(yaml, again.ToYaml());
    }

    [Fact]
    public void PaperConfigEqualsTheDefaults()
    {
        var paper = GlassConfig.Load(Ref("wsprites.yaml"));
        // The two paths are the only values of the reference file that are not our defaults.
        Assert.Equal("./data/wsprites/data", paper.Data.DataRoot);
        Assert.Equal("./data/wsprites/evaluation_dataset", paper.Evaluation.EvaluationDatasetDirectory);
        paper.Data.DataRoot = "";
        paper.Evaluation.EvaluationDatasetDirectory = null;
        Assert.Equal(new GlassConfig().ToYaml(), paper.ToYaml());
    }

    [Fact]
    public void ReferenceValuesAreRead()
    {
        var tennis = GlassConfig.Load(Ref("tennis_single_player.yaml"));
        Assert.Equal(4, tennis.Model.ActionSeparator.ActionNetwork.NumActions);
        Assert.Equal(4, tennis.Model.ActionSeparator.DynamicsNetwork.NumActions);
        Assert.Equal(8, tennis.Model.ActionSeparator.DynamicsNetwork.NoiseSize);
        Assert.Equal([12, 32], tennis.Model.ActionSeparator.DynamicsNetwork.StateResolution);
        Assert.Equal(64, tennis.Model.ActionSeparator.DynamicsNetwork.HiddenStateSize);
        Assert.Equal(16, tennis.Model.ActionSeparator.StateCompressor.OutChannels);
        Assert.Equal([256, 96], tennis.Data.InputSize);
        Assert.Equal([0, 0, 256, 96], tennis.Data.Crop);
        Assert.Equal(4, tennis.Training.Batching.SkipFrames);
        Assert.Equal(0.01, tennis.Training.LossParams.MaskSize);
        Assert.Equal(16, tennis.Evaluation.Batching.ObservationsCount);

        var bair = GlassConfig.Load(Ref("bair.yaml"));
        Assert.Equal([32, 32], bair.Model.ActionSeparator.DynamicsNetwork.StateResolution);
        Assert.Equal(2, bair.Model.ActionSeparator.ActionNetwork.NumActions);
        Assert.Equal(2, bair.Training.Batching.BatchSize);
        Assert.Equal(30, bair.Evaluation.Batching.ObservationsCount);

        var gumbel = GlassConfig.Load(Ref("wsprites-ablations-gumbel.yaml"));
        Assert.True(gumbel.Model.ActionSeparator.ActionNetwork.UseGumbel);
        Assert.False(gumbel.Model.ActionSeparator.ActionNetwork.UsePlainDirection);
        Assert.Equal(1.0, gumbel.Training.GumbelTemperatureStart);
        Assert.Equal(30000, gumbel.Training.GumbelTemperatureSteps);

        Assert.True(GlassConfig.Load(Ref("wsprites-ablations-use-plain-direction.yaml")).Model.ActionSeparator.ActionNetwork.UsePlainDirection);
        Assert.False(GlassConfig.Load(Ref("wsprites-ablations-no-modulated-conv.yaml")).Model.ActionSeparator.DynamicsNetwork.ModulatedConv);
        Assert.True(GlassConfig.Load(Ref("wsprites-ablations-joint-input.yaml")).Model.ActionSeparator.DynamicsNetwork.JointInput);
        var nine = GlassConfig.Load(Ref("wsprites-ablations-9-actions.yml"));
        Assert.Equal(9, nine.Model.ActionSeparator.ActionNetwork.NumActions);
        Assert.Equal(0.3, nine.Training.LossWeights.MaskSizeLoss);
        var noBg = GlassConfig.Load(Ref("wsprites-ablations-no-bg.yaml"));
        Assert.Equal(0.0, noBg.Training.LossWeights.BackgroundLoss);
        Assert.Equal([100000, 1000000], noBg.Training.LrSchedule);
        Assert.Equal(6, noBg.Training.Batching.ObservationsCount);
    }

    [Fact]
    public void OurConfigsLoad()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "configs"), "*.yaml"))
            GlassConfig.Load(file);
        var ours = GlassConfig.Load(Path.Combine(TestPaths.RepoRoot, "configs", "wsprites.yaml"));
        var reference = GlassConfig.Load(Ref("wsprites.yaml"));
        Assert.Equal(reference.ToYaml(), ours.ToYaml());
    }

    [Fact]
    public void EmptyMappingsAndEmptyFileMeanDefaults()
    {
        var defaults = new GlassConfig().ToYaml();
        Assert.Equal(defaults, GlassConfig.Parse("", "empty.yaml").ToYaml());
        Assert.Equal(defaults, GlassConfig.Parse("# only a comment\n", "comment.yaml").ToYaml());
        Assert.Equal(defaults, GlassConfig.Parse("model:\n  inpainting_network:\n  motion_network: {}\ntraining:\n", "sections.yaml").ToYaml());
    }

    [Fact]
    public void PartialSectionsKeepOtherDefaults()
    {
        var c = GlassConfig.Parse("model:\n  action_separator:\n    dynamics_network:\n      hidden_state_size: 48\n    rendering_network:\n      in_channels: 48\n", "p.yaml");
        Assert.Equal(48, c.Model.ActionSeparator.DynamicsNetwork.HiddenStateSize);
        Assert.Equal(8, c.Model.ActionSeparator.DynamicsNetwork.StateSize);
        Assert.Equal(6, c.Model.ActionSeparator.ActionNetwork.NumActions);
    }

    [Fact]
    public void NullablesListsAndDictionariesBind()
    {
        var c = GlassConfig.Parse("""
            data:
              offset: 3
              max_num_videos: ~
              split_ratios: [0.5, 0.25, 0.25]
            training:
              max_steps: 5000000000
              lr_schedule: []
              perceptual:
                vgg_weights: null
            evaluation:
              evaluation_dataset_directory:
            generation:
              actions:
                jump: [0, -0.3]
                "run right": [0.2, 0]
            """, "n.yaml");
        Assert.Equal(3, c.Data.Offset);
        Assert.Null(c.Data.MaxNumVideos);
        Assert.Equal([0.5, 0.25, 0.25], c.Data.SplitRatios);
        Assert.Equal(5_000_000_000L, c.Training.MaxSteps);
        Assert.Empty(c.Training.LrSchedule);
        Assert.Null(c.Training.Perceptual.VggWeights);
        Assert.Null(c.Evaluation.EvaluationDatasetDirectory);
        // A given actions table replaces the default one.
        Assert.Equal(["jump", "run right"], c.Generation.Actions.Keys.Order());
        Assert.Equal([0.2, 0.0], c.Generation.Actions["run right"]);
    }

    [Fact]
    public void YamlBooleanSpellingsOfTheReferenceAreAccepted()
    {
        foreach (var (text, expected) in new[] { ("True", true), ("true", true), ("yes", true), ("False", false), ("off", false) })
        {
            var c = GlassConfig.Parse($"model:\n  action_separator:\n    action_network:\n      use_gumbel: {text}\n", "b.yaml");
            Assert.Equal(expected, c.Model.ActionSeparator.ActionNetwork.UseGumbel);
        }
    }

    [Fact]
    public void NonDefaultTreeRoundTrips()
    {
        var c = new GlassConfig { Name = "odd: \"name\" # with\nnewline" };
        c.Data.Offset = 7;
        c.Data.DataRoot = "/tmp/ü data";
        c.Training.Optimizer.LearningRate = 1e-7;
        c.Training.LrGamma = 1.0 / 3.0;
        c.Training.MaxSteps = 12;
        c.Training.Perceptual.VggWeights = "C:\\weights\\vgg.pth";
        c.Training.LrSchedule = [];
        c.Generation.Actions = new() { ["a"] = [1e-9, -2.5] };
        var yaml = c.ToYaml();
        Assert.Contains("learning_rate: 1.0e-07", yaml); // a float PyYAML also reads as a float
        var back = GlassConfig.Parse(yaml, "rt.yaml");
        Assert.Equal(yaml, back.ToYaml());
        Assert.Equal(c.Name, back.Name);
        Assert.Equal(c.Data.DataRoot, back.Data.DataRoot);
        Assert.Equal(1.0 / 3.0, back.Training.LrGamma);
        Assert.Equal(1e-7, back.Training.Optimizer.LearningRate);
        Assert.Equal([1e-9, -2.5], back.Generation.Actions["a"]);
        Assert.Equal(c.Training.Perceptual.VggWeights, back.Training.Perceptual.VggWeights);
    }

    [Fact]
    public void CloneIsDeep()
    {
        var a = new GlassConfig();
        var b = a.Clone();
        b.Data.Crop[0] = 5;
        b.Model.ActionSeparator.ActionNetwork.NumActions = 9;
        Assert.Equal(0, a.Data.Crop[0]);
        Assert.Equal(6, a.Model.ActionSeparator.ActionNetwork.NumActions);
    }

    [Fact]
    public void SnakeCaseNames()
    {
        Assert.Equal("hidden_state_size", ConfigSchema.SnakeCase("HiddenStateSize"));
        Assert.Equal("pretraining_steps_gma", ConfigSchema.SnakeCase("PretrainingStepsGma"));
        Assert.Equal("local_action_vq_loss", ConfigSchema.SnakeCase("LocalActionVqLoss"));
    }

    [Fact]
    public void DifferencesNameTheChangedKeys()
    {
        var paper = GlassConfig.Load(Ref("wsprites.yaml"));
        var tennis = GlassConfig.Load(Ref("tennis_single_player.yaml"));
        var model = paper.DifferencesFrom(tennis, "model");
        Assert.Contains("model.action_separator.action_network.num_actions", model);
        Assert.Contains("model.action_separator.dynamics_network.state_resolution", model);
        Assert.DoesNotContain(model, k => !k.StartsWith("model."));
        Assert.Empty(paper.DifferencesFrom(GlassConfig.Load(Ref("wsprites-ablations-no-bg.yaml")), "model"));
        Assert.Equal("[12, 32]", tennis.ValueText("model.action_separator.dynamics_network.state_resolution"));
        var other = paper.Clone();
        other.Generation.Actions["jump"] = [0, -1];
        Assert.Equal(["generation.actions.jump"], paper.DifferencesFrom(other));
    }
}
