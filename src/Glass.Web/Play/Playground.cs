using System.Collections.Concurrent;
using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Web.Play;

/// <summary>The frames and timings one operation of a session produced.</summary>
public sealed record PlayResult(string SessionId, int Step, int LocalAction, RgbImage Frame, GrayImage? Mask, TimeSpan Queued, TimeSpan Ran);

/// <summary>
/// The playground's core, independent of HTTP: sessions over one shared model. All torch work goes
/// through the single <see cref="ModelWorker"/>; per-session work is ordered by the session's gate.
/// The model stays the caller's: disposing the playground frees the sessions, not the model.
/// </summary>
public sealed class Playground : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, PlaySession> sessions = new();
    readonly TokenBucket creations;
    // Encoding videos is CPU work beside the model thread: one at a time.
    readonly SemaphoreSlim exports = new(1, 1);
    readonly Timer cleanup;
    readonly bool ownsTempRoot;

    public IPlayableModel Model { get; }
    public PlaygroundOptions Options { get; }
    public ModelWorker Worker { get; }
    public IReadOnlyList<IStartImageSource> Sources { get; }
    /// <summary>Uploads and exports live here and nowhere else.</summary>
    public string TempRoot { get; }

    public Playground(IPlayableModel model, PlaygroundOptions options, IEnumerable<IStartImageSource> sources)
    {
        Model = model;
        Options = options;
        Sources = sources.Where(s => s.Count > 0).ToList();
        if (Sources.Count == 0) throw new GlassException("the playground has no starting images: give built-in characters or a dataset with a test split") { Input = GlassInput.Data };
        Worker = new ModelWorker(options.ModelQueueCapacity);
        creations = new TokenBucket(2 * options.SessionsPerSecond, options.SessionsPerSecond);
        ownsTempRoot = options.TempRoot is null;
        TempRoot = options.TempRoot ?? Path.Combine(Path.GetTempPath(), $"glass-serve-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(TempRoot);
        cleanup = new Timer(_ => _ = CloseIdleQuietlyAsync(), null, options.CleanupInterval, options.CleanupInterval);
    }

    public int SessionCount => sessions.Count;

    public IStartImageSource Source(string key) =>
        Sources.FirstOrDefault(s => s.Key == key) ?? throw PlaygroundError.BadRequest($"unknown image source '{key}'; known: {string.Join(", ", Sources.Select(s => s.Key))}");

    public (RgbImage Image, string Label) StartImage(string sourceKey, int index)
    {
        var source = Source(sourceKey);
        if (index < 0 || index >= source.Count) throw PlaygroundError.BadRequest($"{sourceKey} image {index} does not exist (0..{source.Count - 1})");
        return (source.Load(index), source.Label(index));
    }

    /// <summary>A new session playing from the given start image.</summary>
    public async Task<PlayResult> CreateSessionAsync(RgbImage start, string label)
    {
        if (sessions.Count >= Options.MaxSessions)
            throw PlaygroundError.Busy($"the playground is full ({Options.MaxSessions} sessions); close a tab or try again later");
        if (!creations.TryTake()) throw PlaygroundError.TooMany("too many new sessions; wait a moment");
        var session = new PlaySession(new TokenBucket(Options.RequestBurst, Options.RequestsPerSecond));
        sessions[session.Id] = session;
        try
        {
            return await SetStartAsync(session, start, label);
        }
        catch
        {
            await CloseAsync(session.Id);
            throw;
        }
    }

    /// <summary>The session by id, rate-limited and marked active; 404 when unknown or closed, 429 when flooding.</summary>
    public PlaySession Get(string id)
    {
        if (!sessions.TryGetValue(id, out var session) || session.Closed)
            throw PlaygroundError.NotFound("unknown or expired session; reload the page to start a new one");
        if (!session.Bucket.TryTake()) throw PlaygroundError.TooMany("too many requests for this session; slow down");
        session.Touch();
        return session;
    }

    /// <summary>Replaces the start image: new recurrent state, history restarts at this frame.</summary>
    public Task<PlayResult> SetStartAsync(PlaySession session, RgbImage start, string label) => Exclusive(session, wait: true, async () =>
    {
        Check(start);
        var timed = await Worker.Run(() =>
        {
            session.Playback?.Dispose();
            session.Playback = null;
            using var first = FrameCodec.Batch(start, Model.Device);
            session.Playback = Model.Start(first);
            return 0;
        });
        session.Start = start;
        session.StartLabel = label;
        session.Previews = null;
        RestartHistory(session);
        return new PlayResult(session.Id, 0, session.LocalAction, start, null, timed.Queued, timed.Ran);
    });

    /// <summary>Back to the start image with fresh recurrent state.</summary>
    public Task<PlayResult> ResetAsync(PlaySession session) => Exclusive(session, wait: true, async () =>
    {
        var playback = session.Playback!;
        var timed = await Worker.Run(() => { playback.Reset(); return 0; });
        RestartHistory(session);
        return new PlayResult(session.Id, 0, session.LocalAction, session.Start!, null, timed.Queued, timed.Ran);
    });

    /// <summary>One step: the foreground moves by (dx, dy) and does local action <paramref name="local"/>.</summary>
    public Task<PlayResult> StepAsync(PlaySession session, float dx, float dy, int local) => Exclusive(session, wait: false, async () =>
    {
        if (!float.IsFinite(dx) || !float.IsFinite(dy) || Math.Abs(dx) > Options.MaxShift || Math.Abs(dy) > Options.MaxShift)
            throw PlaygroundError.BadRequest($"shift ({dx}, {dy}) is outside [-{Options.MaxShift}, {Options.MaxShift}]");
        if (local < 0 || local >= Model.LocalActionCount)
            throw PlaygroundError.BadRequest($"local action {local} does not exist; this model has {Model.LocalActionCount} (0..{Model.LocalActionCount - 1})");
        var playback = session.Playback!;
        var device = Model.Device;
        var timed = await Worker.Run(() =>
        {
            using var shifts = tensor(new[] { dx, dy }, [1, 2], device: device);
            using var ids = tensor(new long[] { local }, [1], device: device);
            using var step = playback.Step(shifts, ids);
            return (FrameCodec.Frames(step.Frames)[0], FrameCodec.Masks(step.Masks)[0]);
        });
        var (frame, mask) = timed.Value;
        session.LocalAction = local;
        session.StepCount++;
        session.Frames.Add(frame);
        if (session.Frames.Count > Options.MaxFramesPerSession) session.Frames.RemoveAt(0);
        return new PlayResult(session.Id, session.StepCount, local, frame, mask, timed.Queued, timed.Ran);
    });

    /// <summary>
    /// For each local action, the start image and a few frames of doing only that action (the start
    /// image's row of the local action matrix); one PNG strip per action.
    /// </summary>
    public async Task<byte[][]> PreviewsAsync(PlaySession session)
    {
        // The session's gate is held only to read and store: steps go on while the previews are made.
        var (start, cached) = await Exclusive(session, wait: true, () => Task.FromResult((session.Start!, session.Previews)));
        if (cached is not null) return cached;
        int steps = Options.PreviewSteps;
        var device = Model.Device;
        Timed<RgbImage[][]> timed;
        try
        {
            timed = await Worker.Run(() =>
            {
                using var first = FrameCodec.Batch(start, device);
                return Model.LocalActionMatrix(first, steps + 1);
            });
        }
        catch (ModelBusyException e)
        {
            throw PlaygroundError.Busy(e.Message);
        }
        var strips = timed.Value.Select(FrameCodec.StripPng).ToArray();
        await Exclusive(session, wait: true, () =>
        {
            if (ReferenceEquals(session.Start, start)) session.Previews = strips;
            return Task.FromResult(0);
        });
        return strips;
    }

    /// <summary>The frames played so far (start image first), for the video downloads.</summary>
    public Task<RgbImage[]> FramesAsync(PlaySession session) => Exclusive(session, wait: true, () => Task.FromResult(session.Frames.ToArray()));

    /// <summary>The session's frames as an animated GIF (nearest-neighbour <paramref name="scale"/>) or an MP4 (ffmpeg), played at the page's rate.</summary>
    public async Task<byte[]> ExportAsync(PlaySession session, string format, int scale)
    {
        if (scale is < 1 or > 8) throw PlaygroundError.BadRequest($"scale {scale} is outside 1..8");
        if (format == "mp4" && !FfmpegVideo.IsAvailable) throw PlaygroundError.Busy("MP4 needs ffmpeg on the server, which is not installed; download the GIF instead");
        if (format is not ("gif" or "mp4")) throw PlaygroundError.NotFound($"unknown video format '{format}'; use gif or mp4");
        var frames = await FramesAsync(session);
        if (!await exports.WaitAsync(TimeSpan.FromSeconds(30))) throw PlaygroundError.Busy("another video is being encoded; try again shortly");
        try
        {
            return await Task.Run(() =>
            {
                if (format == "gif")
                {
                    using var gif = new MemoryStream();
                    GifWriter.Write(gif, frames, new GifOptions(FrameDelayMs: (int)Math.Round(1000 / Options.FramesPerSecond), Scale: scale));
                    return gif.ToArray();
                }
                var scaled = scale == 1 ? frames : frames.Select(f => f.ScaleNearest(scale)).ToArray();
                var path = Path.Combine(TempRoot, $"{session.Id}-{Guid.NewGuid():N}.mp4");
                try
                {
                    FfmpegVideo.WriteMp4(path, scaled, Options.FramesPerSecond);
                    return File.ReadAllBytes(path);
                }
                finally
                {
                    TryDelete(path);
                }
            });
        }
        finally
        {
            exports.Release();
        }
    }

    /// <summary>Ends a session now (tab closed) or after inactivity; frees its state and temp files.</summary>
    public async Task CloseAsync(string id)
    {
        if (!sessions.TryRemove(id, out var session)) return;
        await session.Gate.WaitAsync();
        try
        {
            session.Closed = true;
            var playback = session.Playback;
            session.Playback = null;
            if (playback is not null) await Worker.Run(() => { playback.Dispose(); return 0; });
            foreach (var file in session.TempFiles) TryDelete(file);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>Closes every session idle longer than the timeout; returns how many.</summary>
    public async Task<int> CloseIdleAsync()
    {
        int closed = 0;
        foreach (var session in sessions.Values.Where(s => s.Idle > Options.SessionIdleTimeout).ToList())
        {
            await CloseAsync(session.Id);
            closed++;
        }
        return closed;
    }

    async Task CloseIdleQuietlyAsync()
    {
        try { await CloseIdleAsync(); }
        catch (Exception e) { Console.Error.WriteLine($"warning: closing idle sessions failed: {e.Message}"); }
    }

    /// <summary>A path for a file of this session inside the temp folder; the name never comes from the client.</summary>
    public string NewTempFile(PlaySession session, string extension)
    {
        var path = Path.Combine(TempRoot, $"{session.Id}-{Guid.NewGuid():N}{extension}");
        session.TempFiles.Add(path);
        return path;
    }

    void Check(RgbImage start)
    {
        if (start.Width != Model.Width || start.Height != Model.Height)
            throw PlaygroundError.BadRequest($"start image is {start.Width}x{start.Height}, the model plays {Model.Width}x{Model.Height}");
    }

    void RestartHistory(PlaySession session)
    {
        session.Frames.Clear();
        session.Frames.Add(session.Start!);
        session.StepCount = 0;
    }

    /// <summary>Runs <paramref name="body"/> holding the session's gate; steps are refused (429) rather than queued behind another operation.</summary>
    static async Task<T> Exclusive<T>(PlaySession session, bool wait, Func<Task<T>> body)
    {
        if (wait) await session.Gate.WaitAsync();
        else if (!session.Gate.Wait(0)) throw PlaygroundError.TooMany("this session is still busy with the previous request; send one step at a time");
        try
        {
            if (session.Closed) throw PlaygroundError.NotFound("unknown or expired session; reload the page to start a new one");
            return await body();
        }
        catch (ModelBusyException e)
        {
            throw PlaygroundError.Busy(e.Message);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await cleanup.DisposeAsync();
        foreach (var id in sessions.Keys.ToList()) await CloseAsync(id);
        Worker.Dispose();
        if (ownsTempRoot)
            try { Directory.Delete(TempRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
