using System.CommandLine;
using Glass.Data;
using Glass.Data.WSprites;
using Glass.IO;

namespace Glass.Cli.Commands;

/// <summary>`glass data …`: make datasets (W-Sprites from LPC sheets or built-in characters, imported videos), inspect them.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Make and inspect datasets: W-Sprites (LPC or built-in characters), imported videos.");
        command.Subcommands.Add(WSprites());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Sheet());
        command.Subcommands.Add(Info());
        return command;
    }

    static ICharacterLibrary Library(string? sprites, bool builtin, string? background, long seed, string commandName)
    {
        if (builtin == (sprites is not null))
            throw new GlassException($"{commandName}: give either --sprites DIR (LPC sheets) or --builtin (our own characters)");
        return builtin ? new BuiltinCharacterLibrary(seed) : new LpcCharacterLibrary(sprites!, background);
    }

    static Command WSprites()
    {
        var sprites = new Option<string?>("--sprites") { Description = "Folder with the LPC sheets (sprites/<layer>/<n>.png and background.jpg), e.g. ../shared/wsprites" };
        var builtin = new Option<bool>("--builtin") { Description = "Use our procedurally drawn characters and background (no assets needed)" };
        var output = new Option<string>("--out") { Description = "Dataset folder to write (train/, val/, test/)", Required = true };
        var identities = new Option<int?>("--identities") { Description = "Number of identities (default: all 1296 for LPC, 240 built-in); a subset is spread evenly" };
        var videos = new Option<int?>("--videos-per-identity") { Description = "Videos per identity (default: 10 for LPC, 4 built-in)" };
        var frames = new Option<int?>("--frames") { Description = "Frames per video (default: 90 for LPC, 48 built-in)" };
        var seed = new Option<long>("--seed") { Description = "Random seed; the same seed gives a byte-identical dataset", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Videos generated in parallel (0 = all cores)", DefaultValueFactory = _ => 0 };
        var background = new Option<string?>("--background") { Description = "Background image for LPC characters (default: background.jpg beside the sheets)" };
        var command = new Command("wsprites", "Generate the W-Sprites dataset (128x96 frames, masks, actions.json; 80/10/10 split by identity).");
        foreach (var o in new Option[] { sprites, builtin, output, identities, videos, frames, seed, threads, background }) command.Options.Add(o);
        command.SetGuardedAction((result, cancel) =>
        {
            bool isBuiltin = result.GetValue(builtin);
            var library = Library(result.GetValue(sprites), isBuiltin, result.GetValue(background), result.GetValue(seed), "glass data wsprites");
            var options = new WSpritesOptions
            {
                OutputDir = result.GetValue(output)!,
                Identities = result.GetValue(identities) ?? (isBuiltin ? BuiltinDefaults.Identities : null),
                VideosPerIdentity = result.GetValue(videos) ?? (isBuiltin ? BuiltinDefaults.Videos : 10),
                Frames = result.GetValue(frames) ?? (isBuiltin ? BuiltinDefaults.Frames : 90),
                Seed = result.GetValue(seed),
                Threads = result.GetValue(threads),
            };
            var total = (options.Identities ?? library.IdentityCount) * options.VideosPerIdentity;
            var progress = new ProgressLine($"wsprites ({library.Kind})", total, "videos");
            var report = WSpritesGenerator.Generate(library, options, (done, _) => progress.Report(done), cancel);
            progress.Finish(report.Written + report.Skipped);
            Console.WriteLine($"{options.OutputDir}: {report.Written} videos written, {report.Skipped} already present, " +
                              $"{report.Total} in total ({options.Frames} frames each) in {report.Elapsed.TotalSeconds:F1} s " +
                              $"({(report.Written > 0 ? report.Written / report.Elapsed.TotalSeconds : 0):F1} videos/s)");
            return 0;
        });
        return command;
    }

    /// <summary>Size of the default built-in dataset: enough identities for the split, small enough to cache at 64x48.</summary>
    static class BuiltinDefaults
    {
        public const int Identities = 240, Videos = 4, Frames = 48;
    }

    static Command Import()
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

    static Command Sheet()
    {
        var sprites = new Option<string?>("--sprites") { Description = "LPC sheets folder (the sheet then shows LPC frames: keep it out of the repository)" };
        var builtin = new Option<bool>("--builtin") { Description = "Show the built-in characters" };
        var output = new Option<string>("--out") { Description = "PNG file to write", Required = true };
        var seed = new Option<long>("--seed") { Description = "Background seed (built-in)", DefaultValueFactory = _ => 1 };
        var command = new Command("sheet", "Write a contact sheet PNG: 16 identities, and the 9 actions x 8 frames of two of them.");
        foreach (var o in new Option[] { sprites, builtin, output, seed }) command.Options.Add(o);
        command.SetGuardedAction((result, _) =>
        {
            var library = Library(result.GetValue(sprites), result.GetValue(builtin), null, result.GetValue(seed), "glass data sheet");
            var strip = WSpritesGenerator.ChooseIdentities(library.IdentityCount, 16);
            // Two identities that differ in every attribute.
            var detail = new[] { 1246, 117 };
            var image = ContactSheet.Render(library, strip, detail);
            ImageIO.WritePng(result.GetValue(output)!, image);
            Console.WriteLine($"{result.GetValue(output)}: {image.Width}x{image.Height}; top: identities {string.Join(", ", strip)}; " +
                              $"blocks: identities {detail[0]} ({library.Describe(detail[0])}) and {detail[1]} ({library.Describe(detail[1])}); " +
                              "block rows = labels 0..8 (" + string.Join(", ", Enumerable.Range(0, LocalActions.Count).Select(LocalActions.Name)) + ")");
            return 0;
        });
        return command;
    }

    static Command Info()
    {
        var data = new Argument<string>("dir") { Description = "Dataset folder" };
        var style = new Option<string>("--style") { Description = "splitted or flat", DefaultValueFactory = _ => "splitted" };
        var command = new Command("info", "Check a dataset and print its splits, videos, frames and ground truth.");
        command.Arguments.Add(data);
        command.Options.Add(style);
        command.SetGuardedAction((result, _) =>
        {
            foreach (var split in VideoDataset.SplitNames)
            {
                VideoDataset ds;
                try { ds = VideoDataset.Open(result.GetValue(data)!, split, result.GetValue(style)!); }
                catch (GlassException e) when (e.Message.Contains("no videos in split", StringComparison.Ordinal))
                {
                    Console.WriteLine($"{split,-5}: no videos");
                    continue;
                }
                var frames = ds.Videos.Select(v => v.FrameCount).ToArray();
                var identities = ds.Videos.Select(v => v.Identity).Where(i => i >= 0).Distinct().Count();
                var meta = ds.Videos.Count(v => v.Metadata is not null);
                Console.WriteLine($"{split,-5}: {ds.Videos.Count} videos, {frames.Sum()} frames ({frames.Min()}..{frames.Max()} per video), " +
                                  $"{identities} identities, masks: {(ds.HasMasks ? "yes" : "no")}, metadata: {meta}/{ds.Videos.Count}");
            }
            return 0;
        });
        return command;
    }
}
