using System.Diagnostics;
using System.Globalization;

namespace Glass.IO;

/// <summary>Video files through the ffmpeg program (raw RGB frames piped in or out): MP4 (H.264,
/// yuv420p, playable everywhere) out; any format ffmpeg reads in.</summary>
public static class FfmpegVideo
{
    /// <summary>Refuse videos whose frames are larger than this (a decompression bomb guard).</summary>
    public const long MaxPixelsPerFrame = 40_000_000;

    /// <summary>True when ffmpeg and ffprobe are on PATH.</summary>
    public static bool IsAvailable => FindTool("ffmpeg") is not null && FindTool("ffprobe") is not null;

    /// <summary>Writes an H.264 MP4 atomically. Odd sizes are padded by one pixel (yuv420p needs even sizes).</summary>
    public static void WriteMp4(string path, IReadOnlyList<RgbImage> frames, double fps)
    {
        if (frames.Count == 0) throw new ArgumentException("a video needs at least one frame", nameof(frames));
        if (!(fps > 0) || fps > 1000) throw new ArgumentOutOfRangeException(nameof(fps), "fps must be in (0, 1000]");
        int width = frames[0].Width, height = frames[0].Height;
        foreach (var f in frames)
            if (f.Width != width || f.Height != height)
                throw new ArgumentException($"all frames must have one size: {f.Width}x{f.Height} differs from {width}x{height}", nameof(frames));
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = OutputFile.TempPath(full);
        string[] args =
        [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{width}x{height}", "-framerate", fps.ToString(CultureInfo.InvariantCulture), "-i", "-",
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2",
            "-c:v", "libx264", "-preset", "medium", "-crf", "18", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
            "-f", "mp4", temp,
        ];
        try
        {
            Run("ffmpeg", args, stdin =>
            {
                foreach (var f in frames) stdin.Write(f.Pixels);
            }, stdout: null);
            OutputFile.Commit(temp, full);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Decodes up to <paramref name="maxFrames"/> frames of any video ffmpeg reads, at its own size.</summary>
    public static List<RgbImage> Read(string path, int maxFrames)
    {
        if (!File.Exists(path)) throw new GlassException($"{path}: video file not found");
        var (width, height) = Probe(path);
        var input = Path.GetFullPath(path); // never let a name starting with '-' read as an option
        var frameBytes = width * height * 3;
        var frames = new List<RgbImage>();
        Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-noautorotate", "-i", input, "-map", "0:v:0", "-frames:v", maxFrames.ToString(CultureInfo.InvariantCulture),
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], stdin: null, stdout =>
        {
            while (true)
            {
                var buffer = new byte[frameBytes];
                var read = stdout.ReadAtLeast(buffer, frameBytes, throwOnEndOfStream: false);
                if (read < frameBytes) break;
                frames.Add(new RgbImage(width, height, buffer));
            }
        });
        if (frames.Count == 0) throw new GlassException($"{path}: ffmpeg decoded no frames from this video");
        return frames;
    }

    /// <summary>Width and height of the first video stream.</summary>
    public static (int Width, int Height) Probe(string path)
    {
        string text = "";
        Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", Path.GetFullPath(path)], null,
            stdout => text = new StreamReader(stdout).ReadToEnd(), failureHint: "is it a video?");
        var parts = text.Trim().Split(',');
        if (parts.Length < 2 || !int.TryParse(parts[0], out var w) || !int.TryParse(parts[1], out var h) || w < 1 || h < 1)
            throw new GlassException($"{path}: no video stream found (ffprobe said '{text.Trim()}')");
        if ((long)w * h > MaxPixelsPerFrame)
            throw new GlassException($"{path}: frames of {w}x{h} are too large (limit {MaxPixelsPerFrame} pixels); scale the video down first");
        return (w, h);
    }

    /// <summary>The number of decodable video frames (ffprobe -count_frames).</summary>
    public static int CountFrames(string path)
    {
        string text = "";
        Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", Path.GetFullPath(path)], null,
            stdout => text = new StreamReader(stdout).ReadToEnd());
        if (!int.TryParse(text.Trim().TrimEnd(','), out var n)) throw new GlassException($"{path}: ffprobe could not count frames ('{text.Trim()}')");
        return n;
    }

    static string? FindTool(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static void Run(string tool, string[] args, Action<Stream>? stdin, Action<Stream>? stdout, string? failureHint = null)
    {
        var exe = FindTool(tool) ?? throw new GlassException($"{tool} not found on PATH: install it (apt-get install ffmpeg), or write a .gif or a folder of PNG frames instead");
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new GlassException($"could not start {exe}");
        var errors = process.StandardError.ReadToEndAsync();
        Task feeding = Task.CompletedTask;
        if (stdin is not null)
            feeding = Task.Run(() =>
            {
                try
                {
                    using var s = process.StandardInput.BaseStream;
                    stdin(s);
                }
                catch (IOException)
                {
                    // ffmpeg closed its input early (it failed): its exit code and message say why.
                }
            });
        if (stdout is not null) stdout(process.StandardOutput.BaseStream);
        else process.StandardOutput.BaseStream.CopyTo(Stream.Null);
        feeding.Wait();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var message = errors.Result.Trim().Split('\n').LastOrDefault()?.Trim() ?? "";
            throw new GlassException($"{tool} failed (exit {process.ExitCode}){(failureHint is null ? "" : $", {failureHint}")}: {message}");
        }
    }
}
