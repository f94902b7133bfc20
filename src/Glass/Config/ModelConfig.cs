using System.ComponentModel.DataAnnotations;

namespace Glass.Config;

/// <summary>`model:` — the four GLASS networks. Widths marked "ours" are not in the reference
/// configs; their defaults are the paper's fixed widths so reference checkpoints load.</summary>
public sealed class ModelConfig
{
    public MaskingNetworkConfig MaskingNetwork { get; set; } = new();
    public InpaintingNetworkConfig InpaintingNetwork { get; set; } = new();
    public MotionNetworkConfig MotionNetwork { get; set; } = new();
    public ActionSeparatorConfig ActionSeparator { get; set; } = new();

    /// <summary>The frame size the model takes: state grid x state downsampling.</summary>
    public (int Width, int Height) FrameSize()
    {
        var a = ActionSeparator;
        return (a.StateDownsampling * a.DynamicsNetwork.StateResolution[1], a.StateDownsampling * a.DynamicsNetwork.StateResolution[0]);
    }
}

/// <summary>`model.masking_network:` — the segmentation network of GMA.</summary>
public sealed class MaskingNetworkConfig
{
    /// <summary>3 × observation stacking.</summary>
    public int InChannels { get; set; } = 3;
    /// <summary>Ours: width of the first conv.</summary>
    public int StemChannels { get; set; } = 64;
    /// <summary>Ours: width of the residual trunk at res/4.</summary>
    public int HiddenChannels { get; set; } = 256;
    /// <summary>Ours: residual blocks after the two down-sampling ones.</summary>
    public int NumExtraBlocks { get; set; } = 9;
    /// <summary>Ours: width of the up-sampling decoder.</summary>
    public int DecoderChannels { get; set; } = 64;
}

/// <summary>`model.inpainting_network:` — background inpainting of GMA.</summary>
public sealed class InpaintingNetworkConfig
{
    /// <summary>Ours: encoder widths are 1, 2, 2, 4, 4 × this.</summary>
    public int BaseChannels { get; set; } = 16;
}

/// <summary>`model.motion_network:` — the foreground and background shift regressors of GMA.</summary>
public sealed class MotionNetworkConfig
{
    /// <summary>Ours: conv widths are 1, 2, 2, 4, 8 × this; the MLP is 4b → 2b → 2.</summary>
    public int BaseChannels { get; set; } = 16;
}

/// <summary>`model.action_separator:` — the local motion analysis (LMA) networks.</summary>
public sealed class ActionSeparatorConfig
{
    public RepresentationNetworkConfig RepresentationNetwork { get; set; } = new();
    public StateCompressorConfig StateCompressor { get; set; } = new();
    public ActionNetworkConfig ActionNetwork { get; set; } = new();
    public DynamicsNetworkConfig DynamicsNetwork { get; set; } = new();
    public RenderingNetworkConfig RenderingNetwork { get; set; } = new();
    /// <summary>Ours: frame size / state grid size, 8 (the paper) or 4. With 4 the representation network's
    /// third down-sampling and the renderer's first up-sampling are left out (same weights and names), so
    /// 64x48 frames get the paper's 12x16 state grid instead of 6x8.</summary>
    public int StateDownsampling { get; set; } = 8;
}

/// <summary>`model.action_separator.representation_network:` — the foreground encoder E.</summary>
public sealed class RepresentationNetworkConfig
{
    public int InChannels { get; set; } = 3;
    /// <summary>State channels S (one more channel is produced for the attention map).</summary>
    public int OutChannels { get; set; } = 64;
    /// <summary>Ours: widths are 1, 1, 2, 2, 4, 4 × this.</summary>
    public int BaseChannels { get; set; } = 16;
}

/// <summary>`model.action_separator.state_compressor:` — the 1×1 conv S → s.</summary>
public sealed class StateCompressorConfig
{
    public int OutChannels { get; set; } = 8;
}

/// <summary>`model.action_separator.action_network:` — local action inference and quantization.</summary>
public sealed class ActionNetworkConfig
{
    /// <summary>K, the number of discrete local actions.</summary>
    public int NumActions { get; set; } = 6;
    /// <summary>D, the dimension of an action code.</summary>
    public int ActionSpaceDimension { get; set; } = 16;
    /// <summary>S, must equal representation_network.out_channels.</summary>
    public int StateSize { get; set; } = 64;
    /// <summary>Ablation: Gumbel-softmax instead of the vector quantizer.</summary>
    public bool UseGumbel { get; set; }
    /// <summary>Ablation: direction = x' − x instead of the bilinear direction layers.</summary>
    public bool UsePlainDirection { get; set; }
}

/// <summary>`model.action_separator.dynamics_network:` — the recurrent model of the foreground.</summary>
public sealed class DynamicsNetworkConfig
{
    /// <summary>s, must equal state_compressor.out_channels.</summary>
    public int StateSize { get; set; } = 8;
    /// <summary>(height, width) of the state grid = input size / 8.</summary>
    [Length(2, 2)]
    public int[] StateResolution { get; set; } = [12, 16];
    public int HiddenStateSize { get; set; } = 32;
    public int NumActions { get; set; } = 6;
    public int ActionSpaceDimension { get; set; } = 16;
    /// <summary>Channels of injected random noise (0 = none).</summary>
    public int NoiseSize { get; set; }
    /// <summary>Ablation switch: false uses plain convolutions instead of modulated ones.</summary>
    public bool ModulatedConv { get; set; } = true;
    /// <summary>Ablation switch: feed the global and local actions together to every layer.</summary>
    public bool JointInput { get; set; }
    /// <summary>Ours: the BatchNorm after each ConvLSTM. "batch" (the reference): one set of running statistics
    /// for all time steps. "per_step": training is the same (batch statistics of each step), but running
    /// statistics are kept per time-step index, so evaluation normalises step i as training did.</summary>
    public string Normalization { get; set; } = "batch";
}

/// <summary>`model.action_separator.rendering_network:` — the multi-scale foreground decoder.</summary>
public sealed class RenderingNetworkConfig
{
    /// <summary>Must equal dynamics_network.hidden_state_size.</summary>
    public int InChannels { get; set; } = 32;
    public int OutChannels { get; set; } = 3;
    /// <summary>Ours: widths are 4b, 2b, b.</summary>
    public int BaseChannels { get; set; } = 32;
}
