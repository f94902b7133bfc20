using System.CommandLine;
using Glass.Data;

namespace Glass.Cli.Commands.Data;

/// <summary>`glass data import`: a folder of videos becomes a dataset.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var videosDir = new Option<string>("--videos") { Description = "Folder of video files (any format ffmpeg reads)", Required = true };
        var output = new Option<string>("--out") { Description = "Dataset folder to write (train/, val/, test/)", Required = true };
        var size = new Option<int[]>("--size") { Description = "Frame size W H", Required = true, Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
        var fps = new Option<double?>("--fps") { Description = "Resample to this frame rate (default: keep the video's)" };
        var split = new Option<double[]>("--split") { Description = "Train/val/test fractions of the videos", Arity = new ArgumentArity(3, 3), AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [0.8, 0.1, 0.1] };
        var seed = new Option<long>("--seed") { Description = "Seed of the assignment of videos to splits", DefaultValueFactory = _ => 1 };
        var command = new Command("import", "Turn a folder of videos into a dataset (frames resized to W x H, split into train/val/test).");
        foreach (var o in new Option[] { videosDir, output, size, fps, split, seed }) command.Options.Add(o);
        command.SetGuardedAction((result, cancel) =>
        {
            var wh = result.GetValue(size)!;
            var options = new VideoImportOptions
            {
                VideosDir = result.GetValue(videosDir)!,
                OutputDir = result.GetValue(output)!,
                Width = wh[0],
                Height = wh[1],
                Fps = result.GetValue(fps),
                Split = result.GetValue(split)!,
                Seed = result.GetValue(seed),
            };
            var report = VideoImporter.Import(options, Console.Error, cancel);
            Console.WriteLine($"{options.OutputDir}: {report.Imported} videos imported ({report.Frames} frames), {report.Skipped.Count} skipped, {report.AlreadyPresent} already present");
            return report.Imported + report.AlreadyPresent > 0 ? 0 : 1;
        });
        return command;
    }
}
