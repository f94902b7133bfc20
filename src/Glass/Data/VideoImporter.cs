using System.Globalization;
using FFMpegCore;
using FFMpegCore.Enums;
using Glass.IO;

namespace Glass.Data;

/// <summary>
/// Turns a folder of video files into a dataset: each readable video becomes a folder of PNG frames
/// (decoded by ffmpeg through FFMpegCore, optionally resampled to --fps, scaled to cover W × H and
/// centre-cropped, so the aspect ratio is kept), assigned to train/val/test by a seeded shuffle of the
/// file names cut by the split fractions. An unreadable video is reported and skipped; each video folder
/// appears atomically; a rerun skips videos already imported.
/// </summary>
public static class VideoImporter
{
    public sealed record Report(int Imported, long Frames, int AlreadyPresent, IReadOnlyList<(string Path, string Reason)> Skipped);

    /// <summary>The split of each video file (seeded shuffle of the sorted names, then first int(n·train) train, next int(n·val) val, rest test).</summary>
    public static Dictionary<string, string> AssignSplits(IReadOnlyList<string> files, double[] split, long seed)
    {
        var order = files.OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToArray();
        DeterministicRandom.For(seed, 0x1390).Shuffle(order);
        int n = order.Length, nTrain = (int)(n * split[0]), nVal = (int)(n * split[1]);
        var result = new Dictionary<string, string>();
        for (int i = 0; i < n; i++) result[order[i]] = i < nTrain ? "train" : i < nTrain + nVal ? "val" : "test";
        return result;
    }

    /// <summary>Folder name for a video file: its name without extension, made safe; the extension is kept when two files share a stem.</summary>
    public static Dictionary<string, string> FolderNames(IReadOnlyList<string> files)
    {
        static string Safe(string s) => new(s.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_').ToArray());
        var stems = files.GroupBy(f => Safe(Path.GetFileNameWithoutExtension(f))).ToDictionary(g => g.Key, g => g.Count());
        return files.ToDictionary(f => f, f =>
        {
            var stem = Safe(Path.GetFileNameWithoutExtension(f));
            return stems[stem] > 1 ? $"{stem}_{Safe(Path.GetExtension(f).TrimStart('.'))}" : stem;
        });
    }

    public static Report Import(VideoImportOptions options, TextWriter? log = null, CancellationToken cancel = default)
    {
        options.Validate();
        log ??= TextWriter.Null;
        if (!Directory.Exists(options.VideosDir)) throw new GlassException($"{options.VideosDir}: videos folder not found") { Input = GlassInput.Videos };
        if (!FfmpegVideo.IsAvailable) throw new GlassException("ffmpeg/ffprobe not found on PATH: install them (apt-get install ffmpeg)");
        var files = Directory.EnumerateFiles(options.VideosDir).Where(f => !Path.GetFileName(f).StartsWith('.')).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new GlassException($"{options.VideosDir}: no files to import");
        var splits = AssignSplits(files, options.Split, options.Seed);
        var names = FolderNames(files);
        foreach (var s in VideoDataset.SplitNames)
        {
            var dir = Path.Combine(options.OutputDir, s);
            try { Directory.CreateDirectory(dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new GlassException($"{options.OutputDir}: cannot create the dataset folder ({e.Message})", e);
            }
            WSprites.WSpritesGenerator.RemoveStaleTemporaries(dir);
        }

        int imported = 0, present = 0;
        long frames = 0;
        var skipped = new List<(string, string)>();
        var progress = new ProgressLine("import", files.Count, "videos", log);
        for (int i = 0; i < files.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var file = files[i];
            var dir = Path.Combine(options.OutputDir, splits[file]);
            if (VideoFolderWriter.IsFinished(dir, names[file]))
            {
                present++;
            }
            else
            {
                try
                {
                    frames += ImportOne(file, dir, names[file], options, cancel);
                    imported++;
                }
                catch (GlassException e)
                {
                    skipped.Add((file, e.Message));
                    log.WriteLine();
                    log.WriteLine($"skipped: {e.Message}");
                }
            }
            progress.Report(i + 1, force: i + 1 == files.Count);
        }
        log.WriteLine();
        return new Report(imported, frames, present, skipped);
    }

    static int ImportOne(string file, string splitDir, string name, VideoImportOptions o, CancellationToken cancel)
    {
        IMediaAnalysis info;
        try { info = FFProbe.Analyse(file); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new GlassException($"{file}: not a readable video ({FirstLine(e.Message)})", e);
        }
        if (info.PrimaryVideoStream is not { } stream || stream.Width <= 0 || stream.Height <= 0)
            throw new GlassException($"{file}: no video stream");
        if ((long)stream.Width * stream.Height > FfmpegVideo.MaxPixelsPerFrame)
            throw new GlassException($"{file}: frames of {stream.Width}x{stream.Height} are too large; scale the video down first");

        int w = o.Width, h = o.Height;
        var filters = new List<string>();
        if (o.Fps is { } fps) filters.Add("fps=" + fps.ToString("R", CultureInfo.InvariantCulture));
        filters.Add($"scale={w}:{h}:force_original_aspect_ratio=increase:flags=area");
        filters.Add($"crop={w}:{h}");
        filters.Add("setsar=1");

        // ffmpeg writes the PNG frames straight into the writer's temporary folder (no pipe: nothing can be
        // cut short by a slow reader); the folder becomes the video only once every frame is there.
        using var writer = new VideoFolderWriter(splitDir, name);
        string? ffmpegError = null;
        try
        {
            FFMpegArguments.FromFileInput(file)
                .OutputToFile(Path.Combine(writer.TempPath, "%05d.png"), overwrite: true, a => a
                    .SelectStream(0, 0, Channel.Video)
                    .WithCustomArgument("-vf " + string.Join(",", filters))
                    .WithCustomArgument("-start_number 0")
                    .ForcePixelFormat("rgb24")
                    .ForceFormat("image2"))
                .NotifyOnError(line => ffmpegError ??= line.Contains("rror") ? line : null)
                .CancellableThrough(cancel)
                .ProcessSynchronously(throwOnError: true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new GlassException($"{file}: ffmpeg could not decode it ({FirstLine(ffmpegError ?? e.Message)})", e);
        }
        cancel.ThrowIfCancellationRequested();
        writer.AdoptFrames();
        if (writer.FramesWritten == 0) throw new GlassException($"{file}: ffmpeg decoded no frames");
        writer.Commit();
        return writer.FramesWritten;
    }

    static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? s;
}
