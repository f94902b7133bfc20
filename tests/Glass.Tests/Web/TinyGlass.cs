using Glass.Checkpoints;
using Glass.Config;
using Glass.Data.WSprites;
using Glass.IO;
using Glass.Model;
using Glass.Tests.Model;
using Glass.Web.Play;
using TorchSharp;

namespace Glass.Tests.Web;

/// <summary>
/// A randomly initialised tiny GLASS model (48x32 frames, 3 local actions) saved as our checkpoint.
/// Its BatchNorm running statistics are calibrated on one pass over character frames (as the
/// reference fixtures do): with the fresh statistics (mean 0, variance 1) the signal dies out in the
/// dynamics and renderer, every step renders the same frame and no action changes anything; calibrated,
/// frames respond to actions and the rendered mask leaves most of the frame to the background.
/// </summary>
static class TinyGlass
{
    public const int Width = ModelTestSupport.SmallWidth, Height = ModelTestSupport.SmallHeight;
    static readonly Lazy<string> Shared = new(() => Save(TestPaths.NewTempDir("glass-tiny-model")));

    public static GlassConfig Config()
    {
        var config = new GlassConfig { Name = "tiny", Model = ModelTestSupport.SmallConfig() };
        config.Data.InputSize = [Width, Height];
        config.Data.Crop = [0, 0, Width, Height];
        return config;
    }

    /// <summary>One checkpoint per test run (read-only for the tests).</summary>
    public static string Checkpoint => Shared.Value;

    /// <summary>Sets every BatchNorm's running statistics to those of one training-mode pass over two short character clips.</summary>
    static void Calibrate(GlassModel model)
    {
        foreach (var module in model.modules())
        {
            // momentum null = plain average over the batches seen, here exactly this pass.
            if (module is TorchSharp.Modules.BatchNorm2d b2) { b2.reset_running_stats(); b2.momentum = null; }
            if (module is TorchSharp.Modules.BatchNorm1d b1) { b1.reset_running_stats(); b1.momentum = null; }
        }
        var characters = new CharacterStartSource(new BuiltinCharacterLibrary(), 2, Width, Height);
        model.train();
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var clips = Enumerable.Range(0, 2).Select(i =>
            {
                var frame = FrameCodec.Batch(characters.Load(i), torch.CPU); // (1, 3, H, W)
                return torch.cat([frame, frame.roll(2, 3), frame.roll(4, 3)], 0); // (3, 3, H, W): moving right
            }).ToArray();
            using var output = model.Forward(torch.stack(clips, 0), 2, 0.4); // (2, 3, 3, H, W)
            model.eval();
            PlaceMask(model, torch.stack(clips, 0));
        }
    }

    /// <summary>
    /// Moves the rendered mask's bias so that its median pre-activation on the calibration clips is -2.5 (mask
    /// 0.007): a random renderer's mask may otherwise cover the whole frame or nothing, depending on the seed, and
    /// the playground tests need a character that leaves most of the frame to the background, as a trained one does.
    /// </summary>
    static void PlaceMask(GlassModel model, torch.Tensor clips /* (2, 3, 3, H, W) */)
    {
        using var output = model.Forward(clips, 2, 0.4);
        // mask = (tanh z + 1) / 2, so z = atanh(2 mask - 1)
        var z = (2 * output.ReconstructedMasks - 1).clamp(-0.999999, 0.999999).atanh();
        var bias = model.named_parameters().Single(p => p.name.EndsWith("rendering_network.backbone.final_blocks.2.conv.bias")).parameter;
        bias[-1] += -2.5 - z.median().item<float>();
    }

    public static string Save(string dir, long seed = 7)
    {
        Glass.Runtime.TorchRuntime.Initialize();
        var config = Config();
        using var model = ModelTestSupport.Build(config.Model, seed);
        Calibrate(model);
        var path = Path.Combine(dir, "tiny.glass");
        GlassCheckpoint.Save(path, config, model);
        return path;
    }
}
