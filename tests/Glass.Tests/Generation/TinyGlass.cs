using Glass.Checkpoints;
using Glass.Config;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using TorchSharp;

namespace Glass.Tests.Generation;

/// <summary>A randomly initialised GLASS model small enough for tests (64x48 frames, K local actions),
/// saved as one of our checkpoints.</summary>
static class TinyGlass
{
    public static GlassConfig Config(int numActions = 3)
    {
        var c = new GlassConfig { Name = "tiny" };
        c.Data.Crop = [0, 0, 128, 96];
        c.Data.InputSize = [64, 48];
        var m = c.Model;
        (m.MaskingNetwork.StemChannels, m.MaskingNetwork.HiddenChannels, m.MaskingNetwork.NumExtraBlocks, m.MaskingNetwork.DecoderChannels) = (8, 16, 1, 8);
        m.InpaintingNetwork.BaseChannels = 4;
        m.MotionNetwork.BaseChannels = 4;
        var a = m.ActionSeparator;
        (a.RepresentationNetwork.OutChannels, a.RepresentationNetwork.BaseChannels) = (8, 4);
        a.StateCompressor.OutChannels = 4;
        (a.ActionNetwork.NumActions, a.ActionNetwork.ActionSpaceDimension, a.ActionNetwork.StateSize) = (numActions, 4, 8);
        var d = a.DynamicsNetwork;
        (d.StateSize, d.StateResolution, d.HiddenStateSize, d.NumActions, d.ActionSpaceDimension) = (4, [6, 8], 8, numActions, 4);
        (a.RenderingNetwork.InChannels, a.RenderingNetwork.BaseChannels) = (8, 4);
        return c;
    }

    /// <summary>Writes a tiny checkpoint (seeded weights) into <paramref name="dir"/>.</summary>
    public static string SaveCheckpoint(string dir, int numActions = 3, long seed = 1)
    {
        TorchRuntime.Initialize();
        var config = Config(numActions);
        using var model = new GlassModel(config.Model);
        Glass.Tests.Model.SeededWeights.Reset(model, seed);
        var path = Path.Combine(dir, "tiny.glass");
        GlassCheckpoint.Save(path, config, model);
        return path;
    }

    /// <summary>A 128x96 picture: a coloured square (the "agent") at (x, y) on a gradient background.</summary>
    public static RgbImage Picture(int x = 40, int y = 30, int size = 24)
    {
        var image = new RgbImage(128, 96);
        for (int py = 0; py < 96; py++)
            for (int px = 0; px < 128; px++)
                image.SetPixel(px, py, px >= x && px < x + size && py >= y && py < y + size
                    ? ((byte)230, (byte)40, (byte)40)
                    : ((byte)(40 + px), (byte)(60 + py), (byte)120));
        return image;
    }

    public static string SavePicture(string dir, string name = "start.png", int x = 40, int y = 30)
    {
        var path = Path.Combine(dir, name);
        ImageIO.WritePng(path, Picture(x, y));
        return path;
    }
}
