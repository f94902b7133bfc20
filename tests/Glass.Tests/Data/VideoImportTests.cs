using System.Diagnostics;
using Glass.Data;
using Glass.IO;
using Xunit;

namespace Glass.Tests.Data;

public class VideoImportTests
{
    /// <summary>Makes a short test-pattern video with the ffmpeg program (as .ci/run installs it).</summary>
    static void MakeVideo(string path, string pattern, int width, int height, int fps, double seconds)
    {
        Assert.True(FfmpegVideo.IsAvailable, "ffmpeg is needed for this test: apt-get install ffmpeg");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"{pattern}=size={width}x{height}:rate={fps}",
                     "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", path })
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void VideosBecomeADatasetAndUnreadableOnesAreSkipped()
    {
        var videos = TestPaths.NewTempDir("glass-videos");
        MakeVideo(Path.Combine(videos, "a.mp4"), "testsrc", 80, 60, 10, 1.0);
        MakeVideo(Path.Combine(videos, "b.mp4"), "testsrc2", 64, 64, 10, 0.8);
        MakeVideo(Path.Combine(videos, "c.mkv"), "smptebars", 96, 54, 10, 1.0);
        File.WriteAllBytes(Path.Combine(videos, "broken.mp4"), [0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 1, 2, 3]);
        var output = TestPaths.NewTempDir("glass-imported");
        var options = new VideoImportOptions { VideosDir = videos, OutputDir = output, Width = 32, Height = 24, Fps = 5, Split = [0.5, 0.25, 0.25] };
        var log = new StringWriter();
        var report = VideoImporter.Import(options, log);

        Assert.Equal(3, report.Imported);
        var skipped = Assert.Single(report.Skipped);
        Assert.EndsWith("broken.mp4", skipped.Path);
        Assert.Contains("broken.mp4", log.ToString());

        var all = VideoDataset.SplitNames.SelectMany(s => Directory.EnumerateDirectories(Path.Combine(output, s))).Select(VideoFolder.Open).ToList();
        Assert.Equal(["a", "b", "c"], all.Select(v => v.Name).Order());
        // Four files: int(4 * 0.5) = 2 train, int(4 * 0.25) = 1 val, the rest test (here the readable one left).
        Assert.Equal(4, VideoImporter.AssignSplits(Directory.GetFiles(videos), options.Split, options.Seed).Count);
        foreach (var v in all)
        {
            // 5 frames per second of video.
            Assert.Equal(v.Name == "b" ? 4 : 5, v.FrameCount);
            var frame = ImageIO.ReadRgb(v.FramePath(0));
            Assert.Equal((32, 24), (frame.Width, frame.Height));
            Assert.False(v.HasMasks);
            Assert.Null(v.Metadata);
        }
        // Test patterns are colourful, not blank.
        Assert.True(ImageIO.ReadRgb(all[0].FramePath(0)).Pixels.Distinct().Count() > 10);

        // A rerun keeps what is there.
        var again = VideoImporter.Import(options);
        Assert.Equal((0, 3), (again.Imported, again.AlreadyPresent));
        Assert.Throws<GlassException>(() => VideoImporter.Import(new VideoImportOptions { VideosDir = videos, OutputDir = output, Width = 0, Height = 24 }));
    }
}
