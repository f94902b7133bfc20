using System.Globalization;
using Glass.Config;
using Glass.Data.WSprites;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using Glass.Web;
using Glass.Web.Play;
using TorchSharp;

namespace Glass.Bench;

/// <summary>
/// `serve-load`: the playground under load on loopback. First one session stepping back to back (the
/// key-to-frame latency a single player sees, minus the browser), then N sessions holding keys at the
/// page's frame rate for a bounded time; afterwards every session is replayed alone and its frames
/// compared (isolation).
/// </summary>
public static class ServeLoadBench
{
    public const string Usage = "serve-load (--checkpoint FILE | --config FILE) [--sessions 4] [--seconds 20] [--fps 12] [--threads 0] [--max-steps 300]";

    public static int Run(string[] args)
    {
        var a = Args.Parse(args, Usage);
        int sessions = a.Int("--sessions", 4), threads = a.Int("--threads", 0), maxSteps = a.Int("--max-steps", 300);
        double seconds = a.Double("--seconds", 20), fps = a.Double("--fps", 12);
        TorchRuntime.Initialize(threads);
        using var model = LoadModel(a);
        Console.WriteLine($"model: {model.Description}; libtorch threads {torch.get_num_threads()}; {Environment.ProcessorCount} cores; load average {LoadAverage()}");

        // The per-session rate limit would cap the back-to-back run at 30 steps/s: lifted here, the bench measures the model and server.
        var options = new PlaygroundOptions { Port = 0, FramesPerSecond = fps, MaxSessions = Math.Max(32, 2 * sessions + 2), SessionsPerSecond = 50, RequestBurst = 1000, RequestsPerSecond = 1000 };
        var sources = new[] { new CharacterStartSource(new BuiltinCharacterLibrary(), Math.Max(8, sessions), model.Width, model.Height) };
        var server = PlaygroundServer.StartAsync(new Playground(model, options, sources)).GetAwaiter().GetResult();
        try
        {
            Console.WriteLine($"server: {server.Address}");
            Console.WriteLine("-- one session, steps back to back");
            var single = LoadCheck.RunAsync(server.Address, new LoadCheckOptions { Sessions = 1, Duration = TimeSpan.FromSeconds(Math.Min(seconds, 10)), StepsPerSecond = 0, MaxStepsPerSession = 200 }).GetAwaiter().GetResult();
            Console.WriteLine(single.Summary());
            Console.WriteLine($"-- {sessions} sessions holding keys at {fps} steps/s for {seconds} s");
            var load = LoadCheck.RunAsync(server.Address, new LoadCheckOptions { Sessions = sessions, Duration = TimeSpan.FromSeconds(seconds), StepsPerSecond = fps, MaxStepsPerSession = maxSteps },
                new Glass.IO.ProgressLine($"{sessions} sessions", (long)seconds, "s")).GetAwaiter().GetResult();
            Console.WriteLine(load.Summary());
            Console.WriteLine($"model thread busy {server.Playground.Worker.Busy.TotalSeconds:F1} s over {server.Playground.Worker.JobCount} jobs; load average {LoadAverage()}");
            return load.SessionsMatchingReplay == load.Sessions && single.SessionsMatchingReplay == 1 ? 0 : 1;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    static GlassPlayableModel LoadModel(Args a)
    {
        var device = TorchRuntime.ParseDevice(a.String("--device", "cpu"));
        if (a.Optional("--checkpoint") is { } checkpoint) return GlassPlayableModel.Load(checkpoint, device);
        if (a.Optional("--config") is { } configPath)
        {
            // Random weights cost the same time per step as trained ones.
            var config = GlassConfig.Load(configPath);
            torch.manual_seed(1);
            return new GlassPlayableModel(new GlassModel(config.Model, device), config, configPath + " (random weights)");
        }
        throw new GlassException($"serve-load needs --checkpoint FILE or --config FILE; usage: {Usage}");
    }

    static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>`--name value` pairs of a benchmark's arguments; unknown or malformed ones are a GlassException with the usage.</summary>
    sealed class Args
    {
        readonly Dictionary<string, string> values = new();
        readonly string usage;

        Args(string usage) => this.usage = usage;

        public static Args Parse(string[] args, string usage)
        {
            var parsed = new Args(usage);
            for (int i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--") || i + 1 >= args.Length) throw new GlassException($"cannot read '{args[i]}'; usage: {usage}");
                parsed.values[args[i]] = args[i + 1];
            }
            var known = System.Text.RegularExpressions.Regex.Matches(usage, @"--[a-z-]+").Select(m => m.Value).ToHashSet();
            foreach (var name in parsed.values.Keys)
                if (!known.Contains(name) && name != "--device") throw new GlassException($"unknown option {name}; usage: {usage}");
            return parsed;
        }

        public string? Optional(string name) => values.GetValueOrDefault(name);
        public string String(string name, string fallback) => values.GetValueOrDefault(name) ?? fallback;

        public int Int(string name, int fallback) =>
            values.TryGetValue(name, out var v) ? int.TryParse(v, CultureInfo.InvariantCulture, out var x) ? x : throw new GlassException($"{name} {v}: not an integer; usage: {usage}") : fallback;

        public double Double(string name, double fallback) =>
            values.TryGetValue(name, out var v) ? double.TryParse(v, CultureInfo.InvariantCulture, out var x) ? x : throw new GlassException($"{name} {v}: not a number; usage: {usage}") : fallback;
    }
}
