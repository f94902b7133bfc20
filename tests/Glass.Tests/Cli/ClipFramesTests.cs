using Glass.Config;
using Glass.Data;
using Glass.IO;
using Glass.Runtime;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Cli;

public class ClipFramesTests
{
    public ClipFramesTests() => TorchRuntime.Initialize();

    static string Seed1 => TestPaths.ReferenceSeed1;
    static string PaperConfig => Path.Combine(TestPaths.ReferenceConfigs, "wsprites.yaml");

    static string CopyClip(string name = "clip0")
    {
        var dir = Path.Combine(TestPaths.NewTempDir(), name);
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(Path.Combine(Seed1, name), "*.png")) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    [Fact]
    public void FixtureClipReadsAsThePngPixels()
    {
        using var frames = ClipFrames.Read(Path.Combine(Seed1, "clip0"), GlassConfig.Load(PaperConfig).Data, CPU);
        Assert.Equal(new long[] { 1, 6, 3, 96, 128 }, frames.shape);
        // x = 2 p / 255 - 1 exactly: every value maps back to an integer byte.
        using var bytes = frames.add(1).mul(127.5);
        Assert.True(bytes.sub(bytes.round()).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void BadFrameFoldersNameTheFile()
    {
        var data = GlassConfig.Load(PaperConfig).Data;
        string Fails(string folder) => Assert.Throws<GlassException>(() => ClipFrames.Read(folder, data, CPU)).Message;

        var gap = CopyClip();
        File.Delete(Path.Combine(gap, "00002.png"));
        Assert.Contains(Path.Combine(gap, "00002.png"), Fails(gap));
        Assert.Contains("gap", Fails(gap));

        var corrupt = CopyClip();
        File.WriteAllText(Path.Combine(corrupt, "00003.png"), "this is not an image");
        Assert.Contains(Path.Combine(corrupt, "00003.png"), Fails(corrupt));

        var truncated = CopyClip();
        var bytes = File.ReadAllBytes(Path.Combine(truncated, "00001.png"));
        File.WriteAllBytes(Path.Combine(truncated, "00001.png"), bytes[..(bytes.Length / 3)]);
        Assert.Contains(Path.Combine(truncated, "00001.png"), Fails(truncated));

        var mixed = CopyClip();
        ImageIO.WritePng(Path.Combine(mixed, "00004.png"), new RgbImage(64, 48));
        var message = Fails(mixed);
        Assert.Contains(Path.Combine(mixed, "00004.png"), message);
        Assert.Contains("is 64x48 but 00000.png is 128x96", message);

        var empty = TestPaths.NewTempDir();
        Assert.Contains(empty, Fails(empty));
        var single = CopyClip();
        foreach (var f in Directory.GetFiles(single).Where(f => !f.EndsWith("00000.png"))) File.Delete(f);
        Assert.Contains("at least 2", Fails(single));
        Assert.Contains("is a file", Fails(Path.Combine(single, "00000.png")));
    }

    [Fact]
    public void FramesAreCroppedAndResizedAsTheConfigSays()
    {
        // Double-size frames with a crop of the top-left 3/4: the tensor has the config's input size.
        var big = TestPaths.NewTempDir();
        for (int t = 0; t < 3; t++)
        {
            var img = ImageIO.ReadRgb(Path.Combine(Seed1, "clip0", $"{t:D5}.png"));
            ImageIO.WritePng(Path.Combine(big, $"{t:D5}.png"), new FrameTransform(null, 256, 192).Apply(img));
        }
        var data = new DataConfig { Crop = [0, 0, 192, 144], InputSize = [128, 96] };
        using var frames = ClipFrames.Read(big, data, CPU);
        Assert.Equal(new long[] { 1, 3, 3, 96, 128 }, frames.shape);
        Assert.InRange(frames.min().item<float>(), -1f, 1f);

        data.Crop = [0, 0, 300, 192];
        Assert.Contains("reaches outside them", Assert.Throws<GlassException>(() => ClipFrames.Read(big, data, CPU)).Message);
    }
}
