using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Glass.Bench;

/// <summary>How hard a load check pushes: sessions stepping concurrently for a bounded time.</summary>
public sealed record LoadCheckOptions
{
    public int Sessions { get; init; } = 4;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Steps per second each session asks for (a held key); 0 = back to back.</summary>
    public double StepsPerSecond { get; init; } = 12;
    /// <summary>Upper bound on steps per session (keeps the replay check short).</summary>
    public int MaxStepsPerSession { get; init; } = 300;
    public int Seed { get; init; } = 1;
}

/// <summary>What a load check measured.</summary>
public sealed record LoadCheckReport(
    int Sessions, int Steps, int Refused, TimeSpan Elapsed,
    double[] LatenciesMs, double MeanServerMs, double MeanModelMs, double MeanQueuedMs,
    int SessionsMatchingReplay, int FramesCompared, int FramesDiffering)
{
    public double Percentile(double p) => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)(p / 100 * LatenciesMs.Length))];
    public double Throughput => Steps / Elapsed.TotalSeconds;

    public string Summary() =>
        $"{Sessions} sessions, {Steps} steps in {Elapsed.TotalSeconds:F1} s ({Throughput:F1} steps/s, {Refused} refused)\n" +
        $"client latency per step: p50 {Percentile(50):F1} ms, p90 {Percentile(90):F1} ms, p99 {Percentile(99):F1} ms, max {(LatenciesMs.Length > 0 ? LatenciesMs[^1] : double.NaN):F1} ms\n" +
        $"server mean {MeanServerMs:F1} ms = queued {MeanQueuedMs:F1} ms + model {MeanModelMs:F1} ms + encoding\n" +
        $"isolation: {SessionsMatchingReplay}/{Sessions} sessions replayed alone gave the same frames ({FramesCompared} frames compared, {FramesDiffering} differing)";
}

/// <summary>
/// A load check against a running playground: concurrent sessions from different start images play
/// seeded random actions; afterwards each session's actions are replayed alone in a fresh session
/// and every frame is compared, so a frame leaking between sessions (or shared recurrent state) shows
/// up as a mismatch.
/// </summary>
public static class LoadCheck
{
    public static async Task<LoadCheckReport> RunAsync(Uri server, LoadCheckOptions options, Glass.IO.ProgressLine? progress = null, CancellationToken token = default)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Sessions + 2 }) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        var info = JsonDocument.Parse(await http.GetStringAsync("/api/info", token)).RootElement;
        var actions = info.GetProperty("globalActions").EnumerateArray().Select(a => a.GetProperty("name").GetString()!).ToArray();
        int k = info.GetProperty("localActions").GetInt32();
        var source = info.GetProperty("sources")[0];
        int starts = source.GetProperty("items").GetArrayLength();
        string sourceKey = source.GetProperty("key").GetString()!;

        var runs = Enumerable.Range(0, options.Sessions).Select(i => new SessionRun(i % starts, new Random(options.Seed + i))).ToArray();
        var clock = Stopwatch.StartNew();
        var deadline = clock.Elapsed + options.Duration;
        var reporter = progress is null ? Task.CompletedTask : Task.Run(async () =>
        {
            while (clock.Elapsed < deadline && !token.IsCancellationRequested)
            {
                await Task.Delay(1000, token).ContinueWith(_ => { });
                if (clock.Elapsed < deadline) progress.Report((long)clock.Elapsed.TotalSeconds, $"{runs.Sum(r => r.Frames.Count)} steps", force: true);
            }
        }, CancellationToken.None); // the loop watches the token itself; a cancelled start would make `await reporter` throw
        await Task.WhenAll(runs.Select(run => PlayAsync(http, run, sourceKey, actions, k, options, clock, deadline, token)));
        var elapsed = clock.Elapsed;
        await reporter;
        progress?.Finish((long)options.Duration.TotalSeconds, $"{runs.Sum(r => r.Frames.Count)} steps");

        // Replay each session alone, one after the other: nothing else runs, so this is the truth.
        int matching = 0, compared = 0, differing = 0;
        foreach (var run in runs)
        {
            var id = await CreateAsync(http, sourceKey, run.Start, token);
            bool same = true;
            for (int s = 0; s < run.Moves.Count; s++)
            {
                var replay = await PostAsync(http, $"/api/sessions/{id}/step", run.Moves[s], token);
                compared++;
                if (replay.GetProperty("frame").GetString() != run.Frames[s]) { differing++; same = false; }
            }
            await http.PostAsync($"/api/sessions/{id}/close", null, token);
            if (same) matching++;
        }

        var latencies = runs.SelectMany(r => r.Latencies).Order().ToArray();
        var timings = runs.SelectMany(r => r.Timings).ToList();
        return new LoadCheckReport(options.Sessions, latencies.Length, runs.Sum(r => r.Refused), elapsed, latencies,
            timings.Count > 0 ? timings.Average(t => t.Server) : double.NaN,
            timings.Count > 0 ? timings.Average(t => t.Model) : double.NaN,
            timings.Count > 0 ? timings.Average(t => t.Queued) : double.NaN,
            matching, compared, differing);
    }

    static async Task PlayAsync(HttpClient http, SessionRun run, string sourceKey, string[] actions, int k, LoadCheckOptions options, Stopwatch clock, TimeSpan deadline, CancellationToken token)
    {
        run.Id = await CreateAsync(http, sourceKey, run.Start, token);
        var interval = options.StepsPerSecond > 0 ? TimeSpan.FromSeconds(1 / options.StepsPerSecond) : TimeSpan.Zero;
        var next = clock.Elapsed;
        // A held key: the same move for a few steps, then another.
        object move = Move(run.Random, actions, k);
        while (clock.Elapsed < deadline && run.Frames.Count < options.MaxStepsPerSession && !token.IsCancellationRequested)
        {
            if (next > clock.Elapsed) await Task.Delay(next - clock.Elapsed, token);
            next += interval;
            if (run.Random.NextDouble() < 0.25) move = Move(run.Random, actions, k);
            var sent = clock.Elapsed;
            using var response = await http.PostAsync($"/api/sessions/{run.Id}/step", JsonContent.Create(move), token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                run.Refused++;
                continue;
            }
            response.EnsureSuccessStatusCode();
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement;
            run.Latencies.Add((clock.Elapsed - sent).TotalMilliseconds);
            var timing = json.GetProperty("timing");
            run.Timings.Add((timing.GetProperty("serverMs").GetDouble(), timing.GetProperty("modelMs").GetDouble(), timing.GetProperty("queuedMs").GetDouble()));
            run.Moves.Add(move);
            run.Frames.Add(json.GetProperty("frame").GetString()!);
            if (next < clock.Elapsed) next = clock.Elapsed;
        }
        await http.PostAsync($"/api/sessions/{run.Id}/close", null, token);
    }

    static object Move(Random random, string[] actions, int k) => new Dictionary<string, object>
    {
        ["action"] = actions[random.Next(actions.Length)],
        ["local"] = random.Next(k),
    };

    static async Task<string> CreateAsync(HttpClient http, string source, int index, CancellationToken token) =>
        (await PostAsync(http, "/api/sessions", new Dictionary<string, object> { ["source"] = source, ["index"] = index }, token)).GetProperty("session").GetString()!;

    /// <summary>POST with retries while the server says 429 (the replay steps back to back and may meet the rate limit).</summary>
    static async Task<JsonElement> PostAsync(HttpClient http, string path, object body, CancellationToken token)
    {
        for (int attempt = 0; ; attempt++)
        {
            using var response = await http.PostAsync(path, JsonContent.Create(body), token);
            var text = await response.Content.ReadAsStringAsync(token);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 100)
            {
                await Task.Delay(50, token);
                continue;
            }
            if (!response.IsSuccessStatusCode) throw new GlassException($"load check: POST {path} answered {(int)response.StatusCode}: {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    sealed class SessionRun(int start, Random random)
    {
        public int Start { get; } = start;
        public Random Random { get; } = random;
        public string Id { get; set; } = "";
        public List<object> Moves { get; } = [];
        public List<string> Frames { get; } = [];
        public List<double> Latencies { get; } = [];
        public List<(double Server, double Model, double Queued)> Timings { get; } = [];
        public int Refused { get; set; }
    }
}
