using Glass.Generation;
using Glass.IO;
using Glass.Tests.Cli;
using Xunit;

namespace Glass.Tests.Generation;

/// <summary>The generate, matrix and transfer commands as a user runs them (child process), on a tiny random model.</summary>
public class GenerationCliTests
{
    readonly string _dir = TestPaths.NewTempDir();
    readonly string _checkpoint;
    readonly string _image;

    public GenerationCliTests()
    {
        _checkpoint = TinyGlass.SaveCheckpoint(_dir);
        _image = TinyGlass.SavePicture(_dir);
    }

    static void Ok(CliProcess.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdOut}\n{r.StdErr}");

    [Fact]
    public void GenerateWritesGifMp4AndFramesAndNeedsForceToOverwrite()
    {
        var gif = Path.Combine(_dir, "new-folder", "walk.gif");
        var r = CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", "right*3:2 stay*2:1 0.05,-0.02", "--out", gif, "--scale", "2");
        Ok(r);
        Assert.Contains("7 frames", r.StdOut);
        var decoded = DecodedVideo.DecodeGif(gif);
        Assert.Equal(7, decoded.Frames.Count); // the start and 6 steps
        Assert.Equal((128, 96), (decoded.Frames[0].Width, decoded.Frames[0].Height));

        r = CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", "left", "--out", gif);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("exists; pass --force", r.StdErr);
        Ok(CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", "left", "--out", gif, "--force"));
        Assert.Equal(2, DecodedVideo.DecodeGif(gif).Frames.Count);

        var mp4 = Path.Combine(_dir, "walk.mp4");
        Ok(CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", "up*4", "--out", mp4, "--show-masks"));
        Assert.Equal(5, FfmpegVideo.CountFrames(mp4));
        Assert.Equal((3 * 64 + 2 * ActionMatrix.Gap, 48), FfmpegVideo.Probe(mp4)); // frame | foreground | mask

        var folder = Path.Combine(_dir, "frames");
        var actions = Path.Combine(_dir, "moves.txt");
        File.WriteAllText(actions, "# a file of actions\nright*2:1\ndown:2\n");
        Ok(CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", actions, "--out", folder, "--show-masks"));
        Assert.Equal(4, Directory.GetFiles(folder, "*.png").Length);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(folder, "masks"), "*.png").Length);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(folder, "foregrounds"), "*.png").Length);
    }

    [Fact]
    public void GenerateReportsBadInputInOneMarkedMessage()
    {
        var gif = Path.Combine(_dir, "x.gif");
        var r = CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", "right*4:2 rigth*6:1", "--out", gif);
        Assert.Equal(1, r.ExitCode);
        var lines = r.StdErr.TrimEnd().Split('\n');
        Assert.StartsWith("error: --actions: unknown action 'rigth' (did you mean 'right'?)", lines[0]);
        Assert.Equal("  right*4:2 rigth*6:1", lines[1]);
        Assert.Equal("            ^^^^^", lines[2]);
        Assert.False(File.Exists(gif));

        r = CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", "stay:3", "--out", gif);
        Assert.Contains("local action id 3 is out of range: this model has 3 local actions (0..2)", r.StdErr);

        var notAnImage = Path.Combine(_dir, "notes.png");
        File.WriteAllText(notAnImage, "hello");
        r = CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", notAnImage, "--actions", "stay", "--out", gif);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not a readable image", r.StdErr);

        r = CliProcess.Run("generate", "--checkpoint", Path.Combine(_dir, "missing.glass"), "--image", _image, "--actions", "stay", "--out", gif);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("checkpoint not found", r.StdErr);

        r = CliProcess.Run("generate", "--checkpoint", _checkpoint, "--image", _image, "--actions", "stay", "--out", Path.Combine(_dir, "x.avi"));
        Assert.Contains("use .gif, .mp4, or a folder", r.StdErr);
    }

    [Fact]
    public void MatrixAndTransferWriteTheirFiles()
    {
        var second = TinyGlass.SavePicture(_dir, "second.png", 80, 50);
        var out1 = Path.Combine(_dir, "m", "local.gif");
        var r = CliProcess.Run("matrix", "--checkpoint", _checkpoint, "--images", _image, second, "--kind", "local", "--frames", "5", "--out", out1);
        Ok(r);
        var gif = DecodedVideo.DecodeGif(out1);
        Assert.Equal(5, gif.Frames.Count);
        Assert.Equal((3 * 64 + 2 * ActionMatrix.Gap, 2 * 48 + ActionMatrix.Gap), (gif.Frames[0].Width, gif.Frames[0].Height));
        var strip = DecodedVideo.DecodePng(Path.ChangeExtension(out1, ".png"));
        Assert.Equal((5 * 64 + 4 * ActionMatrix.Gap, 6 * 48 + 5 * ActionMatrix.Gap), (strip.Width, strip.Height));

        // A video source: the square walks right; read back through ffmpeg.
        var frames = Enumerable.Range(0, 6).Select(t => TinyGlass.Picture(20 + 6 * t, 30)).ToList();
        var video = Path.Combine(_dir, "source.mp4");
        FfmpegVideo.WriteMp4(video, frames, 10);
        var out2 = Path.Combine(_dir, "transfer.gif");
        r = CliProcess.Run("transfer", "--checkpoint", _checkpoint, "--source", video, "--image", second, "--out", out2);
        Ok(r);
        var transfer = DecodedVideo.DecodeGif(out2);
        Assert.Equal(6, transfer.Frames.Count);
        Assert.Equal(2 * 64 + ActionMatrix.Gap, transfer.Frames[0].Width);
    }
}
