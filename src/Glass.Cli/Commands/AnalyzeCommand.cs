using System.CommandLine;
using System.Diagnostics;
using Glass.Checkpoints;
using Glass.Evaluation;

namespace Glass.Cli.Commands;

/// <summary>`glass analyze`: runs a trained model over a folder of frames and writes what it sees
/// (shifts, local actions, masks, inpainted backgrounds, reconstructions).</summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "YAML config: required for a PyTorch checkpoint; beside a Glass checkpoint (which carries its own) it must describe the same model" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Glass checkpoint or reference PyTorch checkpoint (torch.save zip)", Required = true };
        var frames = new Option<string>("--frames") { Description = "Folder of frames 00000.png, 00001.png, ... (cropped and resized as the config's data section says)", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder (replaced): analysis.json, masks/, backgrounds/, reconstructions/", Required = true };
        var runtime = new RuntimeOptions();

        var command = new Command("analyze", "Run a model teacher-forced on a clip; write its shifts, local actions, masks, inpainted backgrounds and reconstructions.")
        {
            config, checkpoint, frames, output,
        };
        runtime.AddTo(command);
        command.SetGuardedAction((result, _) =>
        {
            var clock = Stopwatch.StartNew();
            var store = ModelStore.Open(result.GetValue(checkpoint)!, result.GetValue(config));
            var device = runtime.Apply(result, store.Config);
            var framesDir = result.GetValue(frames)!;
            var outDir = result.GetValue(output)!;
            CheckOutputFolder(outDir, framesDir);
            using var analysis = ClipAnalysis.Run(store, device, framesDir, Console.Error.WriteLine);
            analysis.Write(outDir);
            Console.WriteLine($"{outDir}: analysis.json, masks/, backgrounds/, reconstructions/ for {analysis.Frames} frames ({clock.Elapsed.TotalSeconds:F1} s)");
            return 0;
        });
        return command;
    }

    /// <summary>--out is replaced as a whole, so it must not be the frame folder (or hold it), nor an
    /// unrelated folder with content.</summary>
    static void CheckOutputFolder(string outDir, string framesDir)
    {
        var output = Path.GetFullPath(outDir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var input = Path.GetFullPath(framesDir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (input.StartsWith(output, StringComparison.Ordinal))
            throw new GlassException($"{outDir}: --out would replace the frame folder {framesDir}; choose another output folder");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !File.Exists(Path.Combine(outDir, "analysis.json")))
            throw new GlassException($"{outDir}: exists and is not an earlier analysis output (no analysis.json); choose a new or empty folder, it would be replaced");
    }
}
