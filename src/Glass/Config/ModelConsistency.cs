namespace Glass.Config;

/// <summary>
/// The rules that make a <c>model:</c> section buildable, in one place: <see cref="GlassConfig.Validate"/> reports
/// them naming the config file, and the model refuses a configuration that breaks them before building anything.
/// </summary>
public static class ModelConsistency
{
    const string Las = "model.action_separator";

    /// <summary>Every broken rule as (key, what is wrong), in the order a reader meets the keys.</summary>
    /// <param name="inputSize">data.input_size (width, height), which the state grid must match; null checks the
    /// grid alone (the model knows no input size)</param>
    /// <param name="observationStacking">frames stacked per observation (training.batching); the networks read 3 channels each</param>
    public static IEnumerable<(string Key, string What)> Problems(ModelConfig m, int[]? inputSize = null, int observationStacking = 1)
    {
        var a = m.ActionSeparator;
        var channels = 3 * observationStacking;
        if (m.MaskingNetwork.InChannels != channels)
            yield return ("model.masking_network.in_channels", $"is {m.MaskingNetwork.InChannels}, must be 3 x training.batching.observation_stacking = {channels}");
        if (a.RepresentationNetwork.InChannels != channels)
            yield return ($"{Las}.representation_network.in_channels", $"is {a.RepresentationNetwork.InChannels}, must be 3 x training.batching.observation_stacking = {channels}");
        foreach (var problem in Positive(
            ("model.masking_network.stem_channels", m.MaskingNetwork.StemChannels),
            ("model.masking_network.hidden_channels", m.MaskingNetwork.HiddenChannels)))
            yield return problem;
        if (m.MaskingNetwork.NumExtraBlocks < 0) yield return ("model.masking_network.num_extra_blocks", $"is {m.MaskingNetwork.NumExtraBlocks}, must be >= 0");
        foreach (var problem in Positive(
            ("model.masking_network.decoder_channels", m.MaskingNetwork.DecoderChannels),
            ("model.inpainting_network.base_channels", m.InpaintingNetwork.BaseChannels),
            ("model.motion_network.base_channels", m.MotionNetwork.BaseChannels),
            ($"{Las}.representation_network.out_channels", a.RepresentationNetwork.OutChannels),
            ($"{Las}.representation_network.base_channels", a.RepresentationNetwork.BaseChannels),
            ($"{Las}.state_compressor.out_channels", a.StateCompressor.OutChannels),
            ($"{Las}.action_network.num_actions", a.ActionNetwork.NumActions),
            ($"{Las}.action_network.action_space_dimension", a.ActionNetwork.ActionSpaceDimension),
            ($"{Las}.dynamics_network.hidden_state_size", a.DynamicsNetwork.HiddenStateSize)))
            yield return problem;
        if (a.DynamicsNetwork.NoiseSize < 0) yield return ($"{Las}.dynamics_network.noise_size", $"is {a.DynamicsNetwork.NoiseSize}, must be >= 0");
        foreach (var problem in Positive(
            ($"{Las}.rendering_network.out_channels", a.RenderingNetwork.OutChannels),
            ($"{Las}.rendering_network.base_channels", a.RenderingNetwork.BaseChannels)))
            yield return problem;
        if (a.RenderingNetwork.OutChannels != 3)
            yield return ($"{Las}.rendering_network.out_channels", $"is {a.RenderingNetwork.OutChannels}, must be 3 (RGB foregrounds)");
        foreach (var problem in Same(
            ($"{Las}.action_network.state_size", a.ActionNetwork.StateSize, $"{Las}.representation_network.out_channels", a.RepresentationNetwork.OutChannels),
            ($"{Las}.dynamics_network.state_size", a.DynamicsNetwork.StateSize, $"{Las}.state_compressor.out_channels", a.StateCompressor.OutChannels),
            ($"{Las}.dynamics_network.num_actions", a.DynamicsNetwork.NumActions, $"{Las}.action_network.num_actions", a.ActionNetwork.NumActions),
            ($"{Las}.dynamics_network.action_space_dimension", a.DynamicsNetwork.ActionSpaceDimension, $"{Las}.action_network.action_space_dimension", a.ActionNetwork.ActionSpaceDimension),
            ($"{Las}.rendering_network.in_channels", a.RenderingNetwork.InChannels, $"{Las}.dynamics_network.hidden_state_size", a.DynamicsNetwork.HiddenStateSize)))
            yield return problem;
        if (a.DynamicsNetwork.JointInput && !a.DynamicsNetwork.ModulatedConv)
            yield return ($"{Las}.dynamics_network.joint_input", "requires modulated_conv (the reference asserts the same)");
        if (a.StateDownsampling is not (4 or 8)) yield return ($"{Las}.state_downsampling", $"is {a.StateDownsampling}, must be 8 (the paper) or 4");
        if (a.DynamicsNetwork.Normalization is not ("batch" or "per_step"))
            yield return ($"{Las}.dynamics_network.normalization", $"'{a.DynamicsNetwork.Normalization}' is not one of batch, per_step");
        var r = a.DynamicsNetwork.StateResolution;
        if (inputSize is null)
        {
            if (r is not { Length: 2 } || r[0] <= 0 || r[1] <= 0 || r[0] % 2 != 0 || r[1] % 2 != 0)
                yield return ($"{Las}.dynamics_network.state_resolution", "must be [height, width], both even and positive (= input_size / 8)");
            yield break;
        }
        int ds = a.StateDownsampling;
        int[] expected = [inputSize[1] / ds, inputSize[0] / ds];
        if (!r.SequenceEqual(expected))
            yield return ($"{Las}.dynamics_network.state_resolution",
                $"[{string.Join(", ", r)}] must be data.input_size / {ds} ({Las}.state_downsampling) as (height, width) = [{string.Join(", ", expected)}]");
    }

    /// <summary>Throws the first broken rule as a <see cref="GlassException"/> ("SOURCE: key: what").</summary>
    public static void Check(ModelConfig m, int[]? inputSize = null, string? source = null)
    {
        foreach (var (key, what) in Problems(m, inputSize))
            throw new GlassException($"{(source is null ? "" : source + ": ")}{key}: {what}");
    }

    static IEnumerable<(string, string)> Positive(params (string Key, int Value)[] values) =>
        values.Where(v => v.Value <= 0).Select(v => (v.Key, $"is {v.Value}, must be > 0"));

    static IEnumerable<(string, string)> Same(params (string Key, int Value, string OtherKey, int Other)[] pairs) =>
        pairs.Where(p => p.Value != p.Other).Select(p => (p.Key, $"is {p.Value}, must equal {p.OtherKey} = {p.Other}"));
}
