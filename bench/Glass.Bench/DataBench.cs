using System.Diagnostics;
using Glass.Data;
using Glass.Data.WSprites;
using Glass.IO;

namespace Glass.Bench;

/// <summary>
/// `data`: W-Sprites generation speed (built-in and LPC characters; stage by stage, then whole videos
/// written with all cores) and loader throughput for the paper's batch (4 clips × 12 frames at 128 × 96),
/// cold (decoding PNGs) and warm (frame cache). Prints wall time and process CPU time, because the
/// machine may be shared.
/// Options: [--videos N] [--frames N] [--batches N] [--sprites DIR] [--keep DIR]
/// </summary>
public static class DataBench
{
    public static int Run(string[] args)
    {
        int videos = Arg(args, "--videos", 16), frames = Arg(args, "--frames", 90), batches = Arg(args, "--batches", 100);
        var sprites = ArgS(args, "--sprites") ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../../shared/wsprites"));
        var root = ArgS(args, "--keep") ?? Path.Combine(Path.GetTempPath(), $"glass-bench-data-{Environment.ProcessId}");
        Console.WriteLine($"cores {Environment.ProcessorCount}; {videos} videos of {frames} frames per generator; loader {batches} batches of 4 x 12 at 128x96");
        try
        {
            var builtin = new BuiltinCharacterLibrary();
            Stages("builtin", builtin, frames);
            var builtinDir = Path.Combine(root, "builtin");
            Generate("builtin", builtin, builtinDir, videos, frames);
            if (Directory.Exists(Path.Combine(sprites, "sprites")))
            {
                var lpc = new LpcCharacterLibrary(sprites);
                Stages("lpc", lpc, frames);
                Generate("lpc", lpc, Path.Combine(root, "lpc"), videos, frames);
            }
            else Console.WriteLine($"lpc: skipped ({sprites} has no sprites/; pass --sprites DIR)");
            Loader(builtinDir, batches);
        }
        finally
        {
            if (ArgS(args, "--keep") is null && Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
        return 0;
    }

    static (double Wall, double Cpu) Measure(Action action)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        return (clock.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
    }

    static void Stages(string name, ICharacterLibrary library, int frames)
    {
        var scroller = new BackgroundScroller(library.Background);
        var (w0, c0) = Measure(() =>
        {
            for (int x = 0; x < WSpritesScript.BackgroundPad; x++)
                for (int y = 0; y < WSpritesScript.BackgroundPad; y++) scroller.Frame(x, y);
        });
        CharacterSprite sprite = null!;
        const int n = 8;
        var (w1, c1) = Measure(() => { for (int i = 0; i < n; i++) sprite = library.Character(i * 97 % library.IdentityCount); });
        (RgbImage[] F, GrayImage[] M, VideoMetadata _) video = (null!, null!, null!);
        var (w2, c2) = Measure(() => video = WSpritesGenerator.RenderVideo(sprite, scroller, DeterministicRandom.For(1, 2, 3), frames, 3));
        long bytes = 0;
        var (w3, c3) = Measure(() =>
        {
            for (int t = 0; t < frames; t++) bytes += ImageIO.EncodePng(video.F[t]).Length + ImageIO.EncodePng(video.M[t]).Length;
        });
        Console.WriteLine($"{name}: background 625 offsets {w0:F2} s (cpu {c0:F2}); character {1000 * w1 / n:F1} ms (cpu {1000 * c1 / n:F1}); " +
                          $"render {frames} frames {1000 * w2:F0} ms (cpu {1000 * c2:F0}); PNG encode frames+masks {1000 * w3:F0} ms (cpu {1000 * c3:F0}), {bytes / frames / 1024.0:F1} KiB per frame");
    }

    static void Generate(string name, ICharacterLibrary library, string dir, int videos, int frames)
    {
        int identities = Math.Max(1, videos / 2);
        var options = new WSpritesOptions { OutputDir = dir, Identities = identities, VideosPerIdentity = 2, Frames = frames, Seed = 7 };
        WSpritesGenerator.Report report = null!;
        var (wall, cpu) = Measure(() => report = WSpritesGenerator.Generate(library, options));
        Console.WriteLine($"{name}: generated {report.Written} videos x {frames} frames in {wall:F1} s wall = {report.Written / wall:F2} videos/s " +
                          $"(cpu {cpu:F1} s = {cpu / report.Written:F2} cpu-s per video, {Environment.ProcessorCount} threads)");
    }

    static void Loader(string dir, int batches)
    {
        var options = new ClipLoaderOptions { BatchSize = 4, ObservationsCount = 12, Workers = Environment.ProcessorCount, Prefetch = 4, Seed = 1 };
        foreach (var (label, cache) in new[] { ("cold (no cache: decode every frame)", 0L), ("warm (frame cache, 2nd pass)", 1L << 30) })
        {
            options.CacheBytes = cache;
            using var loader = ClipLoader.Open(dir, "train", options, [0, 0, 128, 96], 128, 96);
            if (cache > 0)
            {
                // Fill the cache once: every window of one epoch.
                for (long b = 0; b < loader.BatchesPerEpoch; b++) loader.NextBatch().Dispose();
            }
            double waited = 0;
            var (wall, cpu) = Measure(() =>
            {
                for (int i = 0; i < batches; i++)
                {
                    var t = Stopwatch.StartNew();
                    using var batch = loader.NextBatch();
                    waited += t.Elapsed.TotalSeconds;
                }
            });
            Console.WriteLine($"loader {label}: {batches / wall:F1} batches/s ({1000 * wall / batches:F1} ms per batch, cpu {1000 * cpu / batches:F1} ms), cache {loader.Cache.UsedBytes / 1048576.0:F0} MiB");
        }
    }

    static int Arg(string[] args, string name, int fallback) => ArgS(args, name) is { } s ? int.Parse(s) : fallback;

    static string? ArgS(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
