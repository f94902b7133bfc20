using Glass.Config;

namespace Glass.Tests;

/// <summary>The few-thousand-parameter GLASS every test builds (3 local actions, narrow layers).</summary>
public static class TinyModel
{
    /// <param name="width">frame width, a multiple of 8</param>
    /// <param name="height">frame height, a multiple of 8</param>
    public static ModelConfig Config(int width, int height, int maskingHidden = 8)
    {
        var c = new ModelConfig();
        c.MaskingNetwork.StemChannels = 8;
        c.MaskingNetwork.HiddenChannels = maskingHidden;
        c.MaskingNetwork.NumExtraBlocks = 1;
        c.MaskingNetwork.DecoderChannels = 8;
        c.InpaintingNetwork.BaseChannels = 4;
        c.MotionNetwork.BaseChannels = 4;
        var las = c.ActionSeparator;
        las.RepresentationNetwork.OutChannels = 8;
        las.RepresentationNetwork.BaseChannels = 4;
        las.StateCompressor.OutChannels = 4;
        las.ActionNetwork.StateSize = 8;
        las.ActionNetwork.NumActions = 3;
        las.ActionNetwork.ActionSpaceDimension = 4;
        las.DynamicsNetwork.StateSize = 4;
        las.DynamicsNetwork.StateResolution = [height / 8, width / 8];
        las.DynamicsNetwork.HiddenStateSize = 8;
        las.DynamicsNetwork.NumActions = 3;
        las.DynamicsNetwork.ActionSpaceDimension = 4;
        las.RenderingNetwork.InChannels = 8;
        las.RenderingNetwork.BaseChannels = 4;
        return c;
    }
}
