using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glass.Checkpoints;
using Glass.Config;
using Glass.Data;
using Glass.IO;
using Glass.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Evaluation;

/// <summary>
/// What a model sees in one clip: it runs teacher-forced on all real frames (every frame but the last
/// as ground truth, generation output on) and keeps the shifts, local actions, masks, inpainted
/// backgrounds and reconstructions. This is `glass analyze`.
/// </summary>
public sealed class ClipAnalysis : IDisposable
{
    public int Frames { get; }
    /// <summary>(T-1) global actions (dx, dy) of the transitions t → t+1, normalised units.</summary>
    public double[][] ForegroundShifts { get; }
    /// <summary>(T-1) background shifts (dx, dy), normalised units.</summary>
    public double[][] BackgroundShifts { get; }
    /// <summary>(T-1) local action ids.</summary>
    public long[] LocalActions { get; }
    /// <summary>(T) mean of each foreground mask.</summary>
    public double[] MaskMean { get; }
    /// <summary>(T, 1, H, W) foreground masks in [0, 1], CPU.</summary>
    public Tensor Masks { get; }
    /// <summary>(T, 3, H, W) inpainted backgrounds in [-1, 1], CPU.</summary>
    public Tensor InpaintedBackgrounds { get; }
    /// <summary>(T-1, 3, H, W) frames 1..T-1 as the model renders them (generated observations), CPU.</summary>
    public Tensor Reconstructions { get; }

    ClipAnalysis(GlassOutput output)
    {
        using var scope = NewDisposeScope();
        Frames = (int)output.Masks.shape[1];
        ForegroundShifts = Rows(output.GlobalActions[0]);
        BackgroundShifts = Rows(output.BackgroundShifts[0]);
        LocalActions = output.LocalActionIds[0].cpu().data<long>().ToArray();
        MaskMean = output.Masks[0].mean([1, 2, 3]).cpu().to(ScalarType.Float64).data<double>().ToArray();
        Masks = output.Masks[0].cpu().contiguous().DetachFromDisposeScope();
        InpaintedBackgrounds = output.InpaintedBackgrounds[0].cpu().contiguous().DetachFromDisposeScope();
        Reconstructions = output.GeneratedObservations[0].cpu().contiguous().DetachFromDisposeScope();
    }

    static double[][] Rows(Tensor pairs /* (N, 2) */)
    {
        var flat = pairs.cpu().to(ScalarType.Float64).contiguous().data<double>().ToArray();
        return Enumerable.Range(0, flat.Length / 2).Select(i => new[] { flat[2 * i], flat[2 * i + 1] }).ToArray();
    }

    /// <summary>Reads the folder of frames (first: a bad folder is reported before the slow model load), loads the
    /// checkpoint's model on <paramref name="device"/> and runs it on the clip; <paramref name="log"/> hears what runs.</summary>
    public static ClipAnalysis Run(ModelStore store, Device device, string framesDir, Action<string>? log = null)
    {
        using var clip = ClipFrames.Read(framesDir, store.Config.Data, device);
        using var model = store.Load(device);
        log?.Invoke($"analyzing {clip.shape[1]} frames of {clip.shape[4]}x{clip.shape[3]} on {device}...");
        return Run(model, store.Config, clip);
    }

    /// <summary>Runs the model (eval mode, no gradients) on a clip.</summary>
    public static ClipAnalysis Run(GlassModel model, GlassConfig config, Tensor frames /* (1, T, 3, H, W) in [-1, 1] */)
    {
        if (frames.dim() != 5 || frames.shape[0] != 1) throw new ArgumentException("frames must be (1, T, 3, H, W)");
        model.eval();
        using var scope = NewDisposeScope();
        using var output = model.Infer(frames.to(model.Device), (int)frames.shape[1] - 1, config.Evaluation.GumbelTemperature, outputGenerated: true);
        return new ClipAnalysis(output);
    }

    /// <summary>analysis.json: {"frames", "foreground_shifts", "background_shifts", "local_actions", "mask_mean"}.</summary>
    public string ToJson()
    {
        static JsonArray Pairs(double[][] rows) => new(rows.Select(r => (JsonNode)new JsonArray(r[0], r[1])).ToArray());
        var json = new JsonObject
        {
            ["frames"] = Frames,
            ["foreground_shifts"] = Pairs(ForegroundShifts),
            ["background_shifts"] = Pairs(BackgroundShifts),
            ["local_actions"] = new JsonArray(LocalActions.Select(a => (JsonNode)a).ToArray()),
            ["mask_mean"] = new JsonArray(MaskMean.Select(m => (JsonNode)m).ToArray()),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Writes <c>analysis.json</c>, <c>masks/</c> (8-bit gray), <c>backgrounds/</c> (inpainted) and
    /// <c>reconstructions/</c> (frames 1..T-1, named by the frame they reconstruct) into <paramref name="outDir"/>,
    /// replacing it as a whole (nothing half-written is left on failure).</summary>
    public void Write(string outDir)
    {
        AtomicFile.WriteDirectory(outDir, "analysis output", dir =>
        {
            File.WriteAllText(Path.Combine(dir, "analysis.json"), ToJson());
            foreach (var sub in new[] { "masks", "backgrounds", "reconstructions" }) Directory.CreateDirectory(Path.Combine(dir, sub));
            for (int t = 0; t < Frames; t++)
            {
                using var scope = NewDisposeScope();
                ImageIO.WriteMaskPng(Path.Combine(dir, "masks", Name(t)), Masks[t]);
                ImageIO.WritePng(Path.Combine(dir, "backgrounds", Name(t)), InpaintedBackgrounds[t]);
                if (t > 0) ImageIO.WritePng(Path.Combine(dir, "reconstructions", Name(t)), Reconstructions[t - 1]);
            }
        });
    }

    static string Name(int index) => index.ToString("D5", CultureInfo.InvariantCulture) + ".png";

    public void Dispose()
    {
        Masks.Dispose();
        InpaintedBackgrounds.Dispose();
        Reconstructions.Dispose();
    }
}
