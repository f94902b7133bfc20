using System.Globalization;
using System.Text;
using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>
/// Builds a W-Sprites dataset: for every chosen identity and video a planned random walk
/// (<see cref="WSpritesScript"/>), rendered frames and masks, and <c>actions.json</c> in our units, written
/// to <c>train|val|test/sprite_IIIIII_video_VVV</c> (identities split 80/10/10 in identity order, as the
/// reference). Videos run in parallel, each from its own random stream (seed, identity, video), so the
/// output is byte-identical for a seed whatever the thread count. Each video folder appears atomically; a
/// rerun skips finished videos.
/// </summary>
public static class WSpritesGenerator
{
    public const string DescriptionFile = "wsprites.json";

    public static string VideoName(int identity, int video) =>
        string.Create(CultureInfo.InvariantCulture, $"sprite_{identity:D6}_video_{video:D3}");

    /// <summary>
    /// The identities used: all, or <paramref name="count"/> of them as k · P mod total (k = 0..count-1) with
    /// P the first stride ≥ total / count that shares no factor with total — spread over the numbers and,
    /// unlike a plain stride, varied in every attribute (strides like 81 would fix some attributes).
    /// </summary>
    public static int[] ChooseIdentities(int total, int? count)
    {
        if (count is not { } n || n >= total) return Enumerable.Range(0, total).ToArray();
        int p = Math.Max(1, total / n);
        while (Gcd(p, total) != 1) p++;
        return Enumerable.Range(0, n).Select(k => (int)((long)k * p % total)).ToArray();
    }

    static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>Split of the identity at position <paramref name="rank"/> among <paramref name="count"/> (reference rule: rank &lt; 0.8 n → train, &lt; 0.9 n → val).</summary>
    public static string SplitOf(int rank, int count, double train = 0.8, double val = 0.1) =>
        rank < train * count ? "train" : rank < (train + val) * count ? "val" : "test";

    /// <summary>Plans and draws one video; pure function of its inputs.</summary>
    public static (RgbImage[] Frames, GrayImage[] Masks, VideoMetadata Metadata) RenderVideo(
        CharacterSprite sprite, BackgroundScroller background, DeterministicRandom rng, int frames, int identity)
    {
        var steps = WSpritesScript.Plan(rng, frames);
        var images = new RgbImage[frames];
        var masks = new GrayImage[frames];
        var global = new int[frames];
        var local = new int[frames];
        var shifts = new float[frames][];
        var bg = new float[frames][];
        for (int t = 0; t < frames; t++)
        {
            var s = steps[t];
            (images[t], masks[t]) = WSpritesRenderer.Render(sprite, background, s);
            global[t] = (int)s.Global;
            local[t] = s.Local;
            shifts[t] = [2f * s.Dx / WSpritesScript.FrameWidth, 2f * s.Dy / WSpritesScript.FrameHeight];
            var (bx, by) = background.ShiftOf(s.BackgroundDx, s.BackgroundDy);
            bg[t] = [bx, by];
        }
        var meta = new VideoMetadata { Global = global, Shifts = shifts, Local = local, BackgroundShifts = bg, Identity = identity };
        return (images, masks, meta);
    }

    /// <summary>The dataset description written to wsprites.json (no paths or times: it is part of the byte-identical output).</summary>
    public static string Describe(ICharacterLibrary library, WSpritesOptions o, int identities) =>
        new StringBuilder("{")
            .Append("\"generator\": \"glass wsprites\", \"format\": 1, ")
            .Append(CultureInfo.InvariantCulture, $"\"characters\": \"{library.Kind}\", \"seed\": {o.Seed}, ")
            // Only a ground texture chosen apart from the seed is named, so earlier datasets keep their bytes.
            .Append(library is BuiltinCharacterLibrary { BackgroundSeed: var b } && b != o.Seed
                ? string.Create(CultureInfo.InvariantCulture, $"\"background_seed\": {b}, ") : "")
            .Append(CultureInfo.InvariantCulture, $"\"identities\": {identities}, ")
            .Append(CultureInfo.InvariantCulture, $"\"videos_per_identity\": {o.VideosPerIdentity}, \"frames\": {o.Frames}, ")
            .Append(CultureInfo.InvariantCulture, $"\"split\": [{o.TrainFraction:R}, {o.ValFraction:R}, {1 - o.TrainFraction - o.ValFraction:R}], ")
            .Append("\"frame_size\": [128, 96], \"global_actions\": [\"l\", \"r\", \"u\", \"d\", \"s\"], ")
            .Append("\"local_actions\": [").Append(string.Join(", ", Enumerable.Range(0, LocalActions.Count).Select(l => $"\"{LocalActions.Name(l)}\""))).Append("], ")
            .Append("\"shift_units\": \"content displacement, 2 dx_px / 128 and 2 dy_px / 96, positive right/down\"}\n")
            .ToString();

    public sealed record Report(int Written, int Skipped, int Total, TimeSpan Elapsed);

    /// <summary>Generates (or completes) the dataset. <paramref name="progress"/> receives (done, total) from worker threads.</summary>
    public static Report Generate(ICharacterLibrary library, WSpritesOptions options, Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        options.Validate(library.IdentityCount);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var identities = ChooseIdentities(library.IdentityCount, options.Identities);
        var description = Describe(library, options, identities.Length);
        PrepareOutput(options.OutputDir, description);

        var background = BackgroundScroller.For(library.Background);
        var jobs = new List<(int Identity, int Video, string Dir)>();
        for (int rank = 0; rank < identities.Length; rank++)
        {
            var dir = Path.Combine(options.OutputDir, SplitOf(rank, identities.Length, options.TrainFraction, options.ValFraction));
            for (int v = 0; v < options.VideosPerIdentity; v++) jobs.Add((identities[rank], v, dir));
        }
        foreach (var split in VideoDataset.SplitNames)
        {
            var dir = Path.Combine(options.OutputDir, split);
            Directory.CreateDirectory(dir);
            RemoveStaleTemporaries(dir);
        }

        int done = 0, written = 0, skipped = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            CancellationToken = cancel,
        };
        try
        {
            Parallel.ForEach(jobs, parallel, job =>
            {
                var name = VideoName(job.Identity, job.Video);
                if (VideoFolderWriter.IsFinished(job.Dir, name))
                {
                    Interlocked.Increment(ref skipped);
                }
                else
                {
                    var sprite = library.Character(job.Identity);
                    var rng = DeterministicRandom.For(options.Seed, job.Identity, job.Video);
                    var (frames, masks, meta) = RenderVideo(sprite, background, rng, options.Frames, job.Identity);
                    using var writer = new VideoFolderWriter(job.Dir, name);
                    for (int t = 0; t < frames.Length; t++)
                    {
                        parallel.CancellationToken.ThrowIfCancellationRequested();
                        writer.AddFrame(frames[t], masks[t]);
                    }
                    writer.Commit(meta);
                    Interlocked.Increment(ref written);
                }
                progress?.Invoke(Interlocked.Increment(ref done), jobs.Count);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1 && e.InnerExceptions[0] is GlassException g)
        {
            throw g;
        }
        return new Report(written, skipped, jobs.Count, clock.Elapsed);
    }

    static void PrepareOutput(string outputDir, string description)
    {
        var path = Path.Combine(outputDir, DescriptionFile);
        try
        {
            Directory.CreateDirectory(outputDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{outputDir}: cannot create the output folder ({e.Message})", e);
        }
        if (File.Exists(path))
        {
            if (File.ReadAllText(path) != description)
                throw new GlassException($"{path}: this folder holds a W-Sprites dataset made with other settings; use another output folder or delete it") { Input = GlassInput.Output };
            return;
        }
        if (Directory.EnumerateFileSystemEntries(outputDir).Any(e => VideoDataset.SplitNames.Contains(Path.GetFileName(e))))
            throw new GlassException($"{outputDir}: holds train/val/test folders but no {DescriptionFile}; use an empty output folder") { Input = GlassInput.Output };
        ImageIO.WriteAtomically(path, Encoding.UTF8.GetBytes(description));
    }

    /// <summary>Deletes <c>*.tmp-PID</c> folders of runs that are no longer alive (interrupted runs).</summary>
    internal static void RemoveStaleTemporaries(string dir)
    {
        foreach (var tmp in Directory.EnumerateDirectories(dir, "*.tmp-*"))
        {
            var suffix = tmp[(tmp.LastIndexOf(".tmp-", StringComparison.Ordinal) + 5)..];
            if (int.TryParse(suffix, out var pid) && pid != Environment.ProcessId && IsAlive(pid)) continue;
            try { Directory.Delete(tmp, recursive: true); } catch (IOException) { }
        }
    }

    static bool IsAlive(int pid)
    {
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
