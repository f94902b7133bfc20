using System.CommandLine;
using Glass.Data.WSprites;
using Glass.IO;

namespace Glass.Cli.Commands.Data;

/// <summary>`glass data wsprites`: generate the W-Sprites dataset from LPC sheets or built-in characters.</summary>
public static class WSpritesCommand
{
    public static Command Create()
    {
        var sprites = new Option<string?>("--sprites") { Description = "Folder with the LPC sheets (sprites/<layer>/<n>.png and background.jpg), e.g. ../shared/wsprites" };
        var builtin = new Option<bool>("--builtin") { Description = "Use our procedurally drawn characters and background (no assets needed)" };
        var output = new Option<string>("--out") { Description = "Dataset folder to write (train/, val/, test/)", Required = true };
        var identities = new Option<int?>("--identities") { Description = "Number of identities (default: all 1296 for LPC, 240 built-in); a subset is spread evenly" };
        var videos = new Option<int?>("--videos-per-identity") { Description = "Videos per identity (default: 10 for LPC, 4 built-in)" };
        var frames = new Option<int?>("--frames") { Description = "Frames per video (default: 90 for LPC, 48 built-in)" };
        var seed = new Option<long>("--seed") { Description = "Random seed; the same seed gives a byte-identical dataset", DefaultValueFactory = _ => 1 };
        var backgroundSeed = new Option<long?>("--background-seed")
        {
            Description = "Seed of the built-in ground texture (default: --seed); give the training set's seed to draw new videos over the background it was trained on",
        };
        var threads = new Option<int>("--threads") { Description = "Videos generated in parallel (0 = all cores)", DefaultValueFactory = _ => 0 };
        var background = new Option<string?>("--background") { Description = "Background image for LPC characters (default: background.jpg beside the sheets)" };
        var command = new Command("wsprites", "Generate the W-Sprites dataset (128x96 frames, masks, actions.json; 80/10/10 split by identity).");
        foreach (var o in new Option[] { sprites, builtin, output, identities, videos, frames, seed, backgroundSeed, threads, background }) command.Options.Add(o);
        command.SetGuardedAction((result, cancel) =>
        {
            bool isBuiltin = result.GetValue(builtin);
            if (!isBuiltin && result.GetValue(backgroundSeed) is not null)
                throw new GlassException("glass data wsprites: --background-seed chooses the built-in ground texture; with --sprites give --background IMAGE instead");
            var library = CharacterLibraries.Choose(result.GetValue(sprites), isBuiltin, result.GetValue(background),
                result.GetValue(backgroundSeed) ?? result.GetValue(seed), "glass data wsprites");
            var options = WSpritesOptions.Defaults(result.GetValue(output)!, isBuiltin);
            options.Identities = result.GetValue(identities) ?? options.Identities;
            options.VideosPerIdentity = result.GetValue(videos) ?? options.VideosPerIdentity;
            options.Frames = result.GetValue(frames) ?? options.Frames;
            options.Seed = result.GetValue(seed);
            options.Threads = result.GetValue(threads);
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
}
