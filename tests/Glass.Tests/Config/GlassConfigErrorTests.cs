using Glass.Config;
using Xunit;

namespace Glass.Tests.Config;

public class GlassConfigErrorTests
{
    static string Fails(string yaml, string source = "configs/x.yaml") =>
        Assert.Throws<GlassException>(() => GlassConfig.Parse(yaml, source)).Message;

    [Fact]
    public void MistypedKeyNamesFullPathFileAndSuggestion()
    {
        var yaml = File.ReadAllText(Path.Combine(TestPaths.ReferenceConfigs, "wsprites.yaml"))
            .Replace("hidden_state_size: 32", "hiden_state_size: 32");
        var message = Fails(yaml);
        Assert.StartsWith("configs/x.yaml: model.action_separator.dynamics_network.hiden_state_size: unknown key (did you mean hidden_state_size?)", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void CamelCaseKeySuggestsSnakeCase() =>
        Assert.Contains("training.batching.batchSize: unknown key (did you mean batch_size?)", Fails("training:\n  batching:\n    batchSize: 2\n"));

    [Fact]
    public void UnknownKeyWithoutNearNameListsValidKeys()
    {
        var message = Fails("renderer: 3\n");
        Assert.Contains("configs/x.yaml: renderer: unknown key (valid keys here: name, data, model, training, evaluation, runtime, generation)", message);
    }

    [Theory]
    [InlineData("model:\n  action_separator:\n    action_network:\n      num_actions: six\n", "model.action_separator.action_network.num_actions: expected an integer, got 'six'")]
    [InlineData("model:\n  action_separator:\n    action_network:\n      num_actions: \"6\"\n", "model.action_separator.action_network.num_actions: expected an integer, got the string \"6\"")]
    [InlineData("model:\n  action_separator:\n    action_network:\n      num_actions: 6.5\n", "num_actions: expected an integer, got '6.5'")]
    [InlineData("model:\n  action_separator:\n    action_network:\n      use_gumbel: maybe\n", "model.action_separator.action_network.use_gumbel: expected true or false, got 'maybe'")]
    [InlineData("training:\n  optimizer:\n    learning_rate: fast\n", "training.optimizer.learning_rate: expected a number, got 'fast'")]
    [InlineData("training:\n  batching: 4\n", "training.batching: expected a mapping of keys, got '4'")]
    [InlineData("name: [a, b]\n", "name: expected a string, got a list")]
    [InlineData("data:\n  crop: 128\n", "data.crop: expected a list of integers, got '128'")]
    [InlineData("data:\n  crop: [0, 0, 128.5, 96]\n", "data.crop[2]: expected an integer, got '128.5'")]
    [InlineData("data:\n  crop: [0, 0, 128]\n", "data.crop: expected exactly 4 values, got 3")]
    [InlineData("data:\n  input_size: {w: 1}\n", "data.input_size: expected a list of integers, got a mapping")]
    [InlineData("generation:\n  actions:\n    jump: 3\n", "generation.actions.jump: expected a list of numbers, got '3'")]
    [InlineData("model:\n  action_separator:\n    action_network:\n      num_actions: 99999999999\n", "num_actions: expected an integer, got '99999999999'")]
    public void WrongTypeNamesKeyAndValue(string yaml, string expected)
    {
        var message = Fails(yaml);
        Assert.StartsWith("configs/x.yaml: ", message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("model:\n  action_separator:\n    action_network:\n      num_actions:\n", "model.action_separator.action_network.num_actions: missing value (expected an integer)")]
    [InlineData("name:\n", "name: missing value (expected a string)")]
    [InlineData("data:\n  crop: ~\n", "data.crop: missing value (expected a list of integers)")]
    [InlineData("data:\n  crop: [0, null, 1, 2]\n", "data.crop[1]: missing value (expected an integer)")]
    public void MissingValueIsAnError(string yaml, string expected) => Assert.Contains(expected, Fails(yaml));

    [Fact]
    public void DuplicateKeyIsAnError()
    {
        var message = Fails("training:\n  lr_gamma: 0.1\n  lr_gamma: 0.2\n");
        Assert.StartsWith("configs/x.yaml:3:", message);
        Assert.Contains("Duplicate key lr_gamma", message);
    }

    [Fact]
    public void SyntaxErrorNamesFileAndLine()
    {
        var message = Fails("model:\n  masking_network:\n    in_channels: [3\n  inpainting_network:\n");
        Assert.StartsWith("configs/x.yaml:", message);
        Assert.Contains("YAML syntax error", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void TopLevelMustBeAMapping() =>
        Assert.Contains("the top level must be a mapping", Fails("- a\n- b\n"));

    [Theory]
    [InlineData("model:\n  action_separator:\n    dynamics_network:\n      state_resolution: [12, 12]\n",
        "configs/x.yaml: model.action_separator.dynamics_network.state_resolution: [12, 12] must be data.input_size / 8 (model.action_separator.state_downsampling) as (height, width) = [12, 16]")]
    [InlineData("data:\n  input_size: [100, 96]\n", "data.input_size: [100, 96] must be positive multiples of 8")]
    [InlineData("training:\n  batching:\n    batch_size: 0\n", "training.batching.batch_size: is 0, must be > 0")]
    [InlineData("training:\n  gt_observations_start: 6\n", "training.gt_observations_start: is 6, must be < training.num_observations_start = 6")]
    [InlineData("model:\n  action_separator:\n    action_network:\n      num_actions: 4\n", "model.action_separator.dynamics_network.num_actions: is 6, must equal model.action_separator.action_network.num_actions = 4")]
    [InlineData("model:\n  action_separator:\n    rendering_network:\n      in_channels: 64\n", "model.action_separator.rendering_network.in_channels: is 64, must equal model.action_separator.dynamics_network.hidden_state_size = 32")]
    [InlineData("data:\n  dataset_style: folders\n", "data.dataset_style: 'folders' is not one of splitted, flat")]
    [InlineData("data:\n  crop: [10, 0, 5, 96]\n", "data.crop: [10, 0, 5, 96] is not a box")]
    [InlineData("training:\n  lr_schedule: [5, 3]\n", "training.lr_schedule: [5, 3] must be increasing")]
    [InlineData("training:\n  loss_weights:\n    mask_size_loss: -1\n", "training.loss_weights.mask_size_loss: is -1, must be a finite number >= 0")]
    [InlineData("training:\n  optimizer:\n    learning_rate: .nan\n", "training.optimizer.learning_rate: is NaN, must be a finite number > 0")]
    [InlineData("runtime:\n  device: gpu\n", "runtime.device: 'gpu' is not a device")]
    [InlineData("runtime:\n  convolution_precision: fp16\n", "runtime.convolution_precision: 'fp16' is not one of float32, bfloat16")]
    [InlineData("model:\n  action_separator:\n    state_downsampling: 2\n", "model.action_separator.state_downsampling: is 2, must be 8 (the paper) or 4")]
    [InlineData("model:\n  action_separator:\n    dynamics_network:\n      normalization: layer\n", "model.action_separator.dynamics_network.normalization: 'layer' is not one of batch, per_step")]
    [InlineData("training:\n  loss_params:\n    local_weight_bias: -0.5\n", "training.loss_params.local_weight_bias: is -0.5, must be a finite number >= 0")]
    [InlineData("training:\n  perceptual:\n    mode: lpips\n", "training.perceptual.mode: 'lpips' is not one of vgg, random, off")]
    [InlineData("training:\n  perceptual:\n    slices: 6\n", "training.perceptual.slices: must be 1..5")]
    [InlineData("generation:\n  actions:\n    jump: [1, 2, 3]\n", "generation.actions.jump: must be [dx, dy]")]
    [InlineData("training:\n  cache_frozen_masks: true\n", "training.cache_frozen_masks: needs training.staged: true")]
    public void ValidationNamesTheKey(string yaml, string expected) => Assert.Contains(expected, Fails(yaml));

    [Fact]
    public void ValidateAfterProgrammaticOverride()
    {
        var c = new GlassConfig();
        c.Validate();
        c.Data.InputSize = [64, 48];
        var e = Assert.Throws<GlassException>(c.Validate);
        Assert.Contains("state_resolution: [12, 16] must be data.input_size / 8 (model.action_separator.state_downsampling) as (height, width) = [6, 8]", e.Message);
        c.Model.ActionSeparator.DynamicsNetwork.StateResolution = [6, 8];
        c.Validate();
    }

    [Fact]
    public void LoadMissingFileOrFolder()
    {
        var dir = TestPaths.NewTempDir();
        var missing = Path.Combine(dir, "nope.yaml");
        Assert.Equal($"{missing}: config file not found", Assert.Throws<GlassException>(() => GlassConfig.Load(missing)).Message);
        Assert.Contains("is a folder", Assert.Throws<GlassException>(() => GlassConfig.Load(dir)).Message);
        var typo = Path.Combine(dir, "typo.yaml");
        File.WriteAllText(typo, "modle:\n  masking_network:\n");
        Assert.StartsWith($"{typo}: modle: unknown key (did you mean model?)", Assert.Throws<GlassException>(() => GlassConfig.Load(typo)).Message);
    }
}
