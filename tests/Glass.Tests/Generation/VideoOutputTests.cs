using Glass.IO;
using Xunit;

namespace Glass.Tests.Generation;

public class VideoOutputTests
{
    /// <summary>Frames with few colours: a moving square on a two-tone background.</summary>
    static List<RgbImage> FewColourFrames(int count, int width = 40, int height = 30)
    {
        var frames = new List<RgbImage>();
        for (int t = 0; t < count; t++)
        {
            var f = new RgbImage(width, height);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    f.SetPixel(x, y, y < height / 2 ? ((byte)30, (byte)60, (byte)200) : ((byte)20, (byte)160, (byte)40));
            for (int y = 5; y < 15; y++)
                for (int x = 2 + 3 * t; x < 10 + 3 * t && x < width; x++)
                    f.SetPixel(x, y, (250, (byte)(10 * t), 0));
            frames.Add(f);
        }
        return frames;
    }

    /// <summary>Smooth gradients plus noise: far more than 256 colours.</summary>
    static List<RgbImage> ManyColourFrames(int count, int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        var frames = new List<RgbImage>();
        for (int t = 0; t < count; t++)
        {
            var f = new RgbImage(width, height);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    f.SetPixel(x, y, ((byte)(255 * x / width), (byte)(255 * y / height), (byte)Math.Clamp(128 + 40 * Math.Sin((x + t) / 5.0) + random.Next(-6, 7), 0, 255)));
            frames.Add(f);
        }
        return frames;
    }

    [Fact]
    public void GifWithFewColoursDecodesExactly()
    {
        var frames = FewColourFrames(7);
        var path = Path.Combine(TestPaths.NewTempDir(), "few.gif");
        GifWriter.Save(path, frames, new GifOptions(FrameDelayMs: 120, Scale: 2));
        var gif = DecodedVideo.DecodeGif(path);
        Assert.Equal(7, gif.Frames.Count);
        for (int i = 0; i < 7; i++) Assert.Equal(frames[i].ScaleNearest(2).Pixels, gif.Frames[i].Pixels);
        Assert.All(gif.DurationsMs, d => Assert.Equal(120, d));
        Assert.Equal(-1, gif.RepetitionCount); // Skia: -1 = loop forever
        Assert.Equal(7, FfmpegVideo.CountFrames(path));
    }

    [Theory]
    [InlineData(GifPaletteMode.Global)]
    [InlineData(GifPaletteMode.PerFrame)]
    public void GifWithManyColoursIsQuantisedWell(GifPaletteMode mode)
    {
        var frames = ManyColourFrames(5, 160, 120);
        var path = Path.Combine(TestPaths.NewTempDir(), "many.gif");
        GifWriter.Save(path, frames, new GifOptions(FrameDelayMs: 50, Palette: mode));
        var gif = DecodedVideo.DecodeGif(path);
        Assert.Equal(5, gif.Frames.Count);
        for (int i = 0; i < 5; i++)
        {
            // Exactly the quantiser's choice: LZW is lossless.
            // 255 colours: the optimised encoder keeps one slot for "unchanged" pixels.
            var palette = mode == GifPaletteMode.Global ? ColorQuantizer.Build(frames, 255) : ColorQuantizer.Build([frames[i]], 255);
            var indices = palette.Map(frames[i]);
            for (int p = 0; p < indices.Length; p++)
            {
                var c = palette[indices[p]];
                Assert.Equal(((byte)(c >> 16), (byte)(c >> 8), (byte)c), gif.Frames[i].GetPixel(p % 160, p / 160));
            }
            // Better than the fixed 6x7x6 colour cube a naive encoder would use.
            var cube = new RgbImage(160, 120, frames[i].Pixels.Select((v, p) => (byte)(Math.Round(v / 255.0 * (p % 3 == 1 ? 6 : 5)) * 255 / (p % 3 == 1 ? 6 : 5))).ToArray());
            var ours = DecodedVideo.MeanAbsoluteError(frames[i], gif.Frames[i]);
            Assert.True(ours < 0.6 * DecodedVideo.MeanAbsoluteError(frames[i], cube), $"quantisation error {ours:F2} is not well below the colour cube's");
        }
        Assert.Equal(5, FfmpegVideo.CountFrames(path));
    }

    [Fact]
    public void OptimisedGifStoresOnlyChangesAndDecodesTheSame()
    {
        // A still, noisy background with a moving square, and one frame identical to the previous one.
        var frames = ManyColourFrames(1, 96, 64).SelectMany(f => Enumerable.Range(0, 6).Select(_ => new RgbImage(96, 64, (byte[])f.Pixels.Clone()))).ToList();
        for (int t = 0; t < 6; t++)
            for (int y = 20; y < 30; y++)
                for (int x = 10 + 5 * Math.Min(t, 4); x < 20 + 5 * Math.Min(t, 4); x++)
                    frames[t].SetPixel(x, y, (255, 0, 0));
        var dir = TestPaths.NewTempDir();
        string optimised = Path.Combine(dir, "o.gif"), plain = Path.Combine(dir, "p.gif");
        GifWriter.Save(optimised, frames, new GifOptions(Scale: 2));
        GifWriter.Save(plain, frames, new GifOptions(Scale: 2, Optimize: false));
        Assert.True(new FileInfo(optimised).Length * 3 < new FileInfo(plain).Length,
            $"optimised {new FileInfo(optimised).Length} bytes vs {new FileInfo(plain).Length}");
        var a = DecodedVideo.DecodeGif(optimised);
        var b = DecodedVideo.DecodeGif(plain);
        Assert.Equal(6, a.Frames.Count);
        for (int t = 0; t < 6; t++) Assert.True(DecodedVideo.MeanAbsoluteError(a.Frames[t], b.Frames[t]) < 3, $"frame {t}");
        Assert.Equal(a.Frames[4].Pixels, a.Frames[5].Pixels);
        Assert.Equal(6, FfmpegVideo.CountFrames(optimised));
    }

    [Theory]
    [InlineData(2, 1)]     // 1-bit table, the smallest LZW code size
    [InlineData(4, 1)]
    [InlineData(4, 7)]     // code widths grow past 12 bits' worth of entries: clear codes
    [InlineData(256, 3)]
    public void LzwRoundTripsRandomIndexStreams(int colours, int seed)
    {
        var random = new Random(seed);
        var palette = Enumerable.Range(0, colours).Select(i => (byte)(i * 255 / Math.Max(1, colours - 1))).ToArray();
        var frames = new List<RgbImage>();
        foreach (var (w, h) in new[] { (1, 1), (3, 2), (257, 131), (64, 64) })
        {
            var f = new RgbImage(w, h);
            // Mix long runs (long dictionary strings) with noise (table fills fast).
            for (int p = 0; p < w * h; p++)
            {
                var v = p % 97 < 40 ? palette[0] : palette[random.Next(colours)];
                (f.Pixels[3 * p], f.Pixels[3 * p + 1], f.Pixels[3 * p + 2]) = (v, v, v);
            }
            var path = Path.Combine(TestPaths.NewTempDir(), $"lzw-{w}x{h}.gif");
            GifWriter.Save(path, [f, f], new GifOptions(Palette: GifPaletteMode.PerFrame, Optimize: false)); // all 256 colours exact
            var gif = DecodedVideo.DecodeGif(path);
            Assert.Equal(2, gif.Frames.Count);
            Assert.Equal(f.Pixels, gif.Frames[0].Pixels);
            Assert.Equal(f.Pixels, gif.Frames[1].Pixels);
        }
    }

    [Fact]
    public void Mp4DecodesWithTheRightFrameCountAndSize()
    {
        var frames = ManyColourFrames(9, 48, 36);
        var path = Path.Combine(TestPaths.NewTempDir(), "sub", "clip.mp4");
        var written = AnimationWriter.Write(path, frames, new AnimationOptions(Fps: 12, Scale: 3));
        Assert.Equal(Path.GetFullPath(path), written);
        Assert.Equal(9, FfmpegVideo.CountFrames(path));
        Assert.Equal((144, 108), FfmpegVideo.Probe(path));
        var decoded = FfmpegVideo.Read(path, 100);
        Assert.Equal(9, decoded.Count);
        Assert.True(DecodedVideo.MeanAbsoluteError(frames[4].ScaleNearest(3), decoded[4]) < 6, "H.264 at crf 18 stays close");
    }

    [Fact]
    public void OddSizedMp4IsPadded()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "odd.mp4");
        AnimationWriter.Write(path, FewColourFrames(3, 25, 17), new AnimationOptions());
        Assert.Equal(3, FfmpegVideo.CountFrames(path));
        Assert.Equal((26, 18), FfmpegVideo.Probe(path));
    }

    [Fact]
    public void PngFolderHoldsOneFilePerFrameAndExtras()
    {
        var frames = FewColourFrames(4);
        var masks = FewColourFrames(4).Select(f => f).ToList();
        var dir = Path.Combine(TestPaths.NewTempDir(), "frames");
        AnimationWriter.Write(dir, frames, new AnimationOptions(Scale: 2), new Dictionary<string, IReadOnlyList<RgbImage>> { ["masks"] = masks });
        var files = Directory.GetFiles(dir, "*.png").Order().ToList();
        Assert.Equal(["00000.png", "00001.png", "00002.png", "00003.png"], files.Select(Path.GetFileName));
        Assert.Equal(frames[2].ScaleNearest(2).Pixels, DecodedVideo.DecodePng(files[2]).Pixels);
        Assert.Equal(4, Directory.GetFiles(Path.Combine(dir, "masks"), "*.png").Length);
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(dir)!, "*.tmp-*"));
    }

    [Fact]
    public void ExistingOutputsNeedForce()
    {
        var root = TestPaths.NewTempDir();
        var gif = Path.Combine(root, "a.gif");
        var frames = FewColourFrames(2);
        AnimationWriter.Write(gif, frames, new AnimationOptions());
        var e = Assert.Throws<GlassException>(() => AnimationWriter.Write(gif, frames, new AnimationOptions()));
        Assert.Equal((GlassInput?)GlassInput.Force, e.Remedy);
        Assert.EndsWith("a.gif exists", e.Message);
        AnimationWriter.Write(gif, FewColourFrames(3), new AnimationOptions(Force: true));
        Assert.Equal(3, DecodedVideo.DecodeGif(gif).Frames.Count);

        var dir = Path.Combine(root, "frames");
        AnimationWriter.Write(dir, frames, new AnimationOptions());
        Assert.Equal((GlassInput?)GlassInput.Force, Assert.Throws<GlassException>(() => AnimationWriter.Write(dir, frames, new AnimationOptions())).Remedy);
        AnimationWriter.Write(dir, FewColourFrames(3), new AnimationOptions(Force: true));
        Assert.Equal(3, Directory.GetFiles(dir).Length);

        // Forcing never deletes a folder holding anything but frames.
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        Assert.Contains("notes.txt", Assert.Throws<GlassException>(() => AnimationWriter.Write(dir, frames, new AnimationOptions(Force: true))).Message);
        Assert.True(File.Exists(Path.Combine(dir, "notes.txt")));
    }

    [Fact]
    public void UnsupportedExtensionsAndScalesAreRefused()
    {
        var root = TestPaths.NewTempDir();
        Assert.Contains("use .gif, .mp4", Assert.Throws<GlassException>(() => AnimationWriter.Write(Path.Combine(root, "x.avi"), FewColourFrames(1), new AnimationOptions())).Message);
        var scale = Assert.Throws<GlassException>(() => AnimationWriter.Write(Path.Combine(root, "x.gif"), FewColourFrames(1), new AnimationOptions(Scale: 0)));
        Assert.Equal((GlassInput.Scale, "enlargement 0: use 1..16"), (scale.Input!.Value, scale.Message));
    }

    [Fact]
    public void ScaleNearestRepeatsPixels()
    {
        var image = new RgbImage(2, 1, [1, 2, 3, 4, 5, 6]);
        var big = image.ScaleNearest(3);
        Assert.Equal((6, 3), (big.Width, big.Height));
        Assert.Equal(((byte)1, (byte)2, (byte)3), big.GetPixel(2, 2));
        Assert.Equal(((byte)4, (byte)5, (byte)6), big.GetPixel(3, 0));
    }

    [Fact]
    public void GridLaysCellsOutRowMajor()
    {
        var red = new RgbImage(2, 2); red.Fill((255, 0, 0));
        var blue = new RgbImage(2, 2); blue.Fill((0, 0, 255));
        var grid = FrameLayout.Grid([red, blue, blue, red], columns: 2, gap: 1, background: (0, 0, 0));
        Assert.Equal((5, 5), (grid.Width, grid.Height));
        Assert.Equal(((byte)255, (byte)0, (byte)0), grid.GetPixel(0, 0));
        Assert.Equal(((byte)0, (byte)0, (byte)0), grid.GetPixel(2, 0));
        Assert.Equal(((byte)0, (byte)0, (byte)255), grid.GetPixel(3, 0));
        Assert.Equal(((byte)0, (byte)0, (byte)255), grid.GetPixel(0, 3));
        Assert.Equal(((byte)255, (byte)0, (byte)0), grid.GetPixel(4, 4));
    }
}
