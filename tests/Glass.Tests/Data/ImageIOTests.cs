using Glass.IO;
using Glass.Runtime;
using TorchSharp;
using Xunit;

namespace Glass.Tests.Data;

public class ImageIOTests
{
    public ImageIOTests() => TorchRuntime.Initialize();

    static RgbImage RandomImage(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var px = new byte[w * h * 3];
        rng.NextBytes(px);
        return new RgbImage(w, h, px);
    }

    [Fact]
    public void RgbPngRoundTripsExactlyAndEncodesDeterministically()
    {
        var img = RandomImage(37, 23, 1);
        var a = ImageIO.EncodePng(img);
        var b = ImageIO.EncodePng(img.Clone());
        Assert.Equal(a, b);
        Assert.Equal(2, a[25]); // IHDR colour type 2 = RGB without alpha
        var dir = TestPaths.NewTempDir();
        var path = Path.Combine(dir, "x.png");
        ImageIO.WritePng(path, img);
        Assert.Equal(a, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
        var back = ImageIO.ReadRgb(path);
        Assert.Equal(img.Pixels, back.Pixels);
    }

    [Fact]
    public void GrayPngRoundTrips()
    {
        var px = new byte[16 * 9];
        new Random(2).NextBytes(px);
        var img = new GrayImage(16, 9, px);
        var bytes = ImageIO.EncodePng(img);
        Assert.Equal(0, bytes[25]); // colour type 0 = gray
        var path = Path.Combine(TestPaths.NewTempDir(), "m.png");
        ImageIO.WritePng(path, img);
        Assert.Equal(px, ImageIO.ReadGray(path).Pixels);
    }

    [Fact]
    public void TensorsUseTheModelsRanges()
    {
        var img = new RgbImage(2, 1, [0, 255, 51, 102, 204, 255]);
        var path = Path.Combine(TestPaths.NewTempDir(), "t.png");
        ImageIO.WritePng(path, img);
        using var t = ImageIO.ReadTensor(path);
        Assert.Equal(new long[] { 3, 1, 2 }, t.shape);
        var v = t.data<float>().ToArray(); // (c, y, x) order
        float F(int p) => 2f * p / 255f - 1f;
        Assert.Equal(new[] { F(0), F(102), F(255), F(204), F(51), F(255) }, v, new FloatComparer(1e-6f));

        // Tensor -> PNG -> tensor is exact for 8-bit values.
        var path2 = Path.Combine(Path.GetDirectoryName(path)!, "t2.png");
        ImageIO.WritePng(path2, t);
        Assert.Equal(img.Pixels, ImageIO.ReadRgb(path2).Pixels);

        using var m = torch.tensor(new float[] { 0f, 0.5f, 1f, 1.7f, -3f, float.NaN }, new long[] { 1, 2, 3 });
        var mpath = Path.Combine(Path.GetDirectoryName(path)!, "m.png");
        ImageIO.WriteMaskPng(mpath, m);
        Assert.Equal(new byte[] { 0, 128, 255, 255, 0, 0 }, ImageIO.ReadGray(mpath).Pixels);
        using var mt = ImageIO.ReadMaskTensor(mpath);
        Assert.Equal(new long[] { 1, 2, 3 }, mt.shape);
        Assert.Equal(128f / 255f, mt[0, 0, 1].item<float>(), 6);
    }

    [Fact]
    public void AlphaIsFlattenedOntoBlackAndPaletteImagesDecode()
    {
        var dir = TestPaths.NewTempDir();
        // RGBA (colour type 6): opaque red, half-transparent white, fully transparent green.
        var rgba = PngBuilder.Build(3, 1, 6, [255, 0, 0, 255, 255, 255, 255, 128, 0, 255, 0, 0]);
        var p1 = Path.Combine(dir, "rgba.png");
        File.WriteAllBytes(p1, rgba);
        var img = ImageIO.ReadRgb(p1);
        Assert.Equal(new byte[] { 255, 0, 0, 128, 128, 128, 0, 0, 0 }, img.Pixels);
        Assert.Equal(new byte[] { 255, 255, 255 }, ImageIO.ReadRgb(p1, alphaBackground: 255).Pixels[3..6]);
        Assert.Equal(new byte[] { 255, 255, 255 }, ImageIO.ReadRgb(p1, alphaBackground: 255).Pixels[6..9]);

        // Palette (colour type 3) with a transparent entry.
        var pal = PngBuilder.Build(2, 2, 3, [0, 1, 2, 1], palette: [10, 20, 30, 200, 100, 50, 9, 9, 9], transparency: [255, 255, 0]);
        var p2 = Path.Combine(dir, "pal.png");
        File.WriteAllBytes(p2, pal);
        var pimg = ImageIO.ReadRgb(p2);
        Assert.Equal(new byte[] { 10, 20, 30, 200, 100, 50, 0, 0, 0, 200, 100, 50 }, pimg.Pixels);
    }

    [Fact]
    public void BadFilesGiveOneLineErrorsNamingTheFile()
    {
        var dir = TestPaths.NewTempDir();
        var junk = Path.Combine(dir, "junk.png");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e1 = Assert.Throws<GlassException>(() => ImageIO.ReadRgb(junk));
        Assert.Contains("junk.png", e1.Message);

        var empty = Path.Combine(dir, "empty.png");
        File.WriteAllBytes(empty, []);
        Assert.Contains("empty", Assert.Throws<GlassException>(() => ImageIO.ReadRgb(empty)).Message);

        var good = ImageIO.EncodePng(RandomImage(64, 64, 3));
        var truncated = Path.Combine(dir, "truncated.png");
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        Assert.Contains("truncated.png", Assert.Throws<GlassException>(() => ImageIO.ReadRgb(truncated)).Message);

        Assert.Contains("not found", Assert.Throws<GlassException>(() => ImageIO.ReadRgb(Path.Combine(dir, "missing.png"))).Message);

        // A header announcing 20000 x 20000 pixels is refused before any pixel memory is allocated.
        var bomb = Path.Combine(dir, "bomb.png");
        File.WriteAllBytes(bomb, PngBuilder.Build(20000, 20000, 2, [], writeData: false));
        var e2 = Assert.Throws<GlassException>(() => ImageIO.ReadRgb(bomb));
        Assert.Contains("bomb.png", e2.Message);
        Assert.Contains("Mpixel", e2.Message);
    }

    [Fact]
    public void BilinearResizeMatchesPillowArithmetic()
    {
        // Hand-computed with Pillow's triangle filter: shrinking 4 -> 2 uses support 2 and renormalised edge weights.
        var shrunk = Resampler.Resize([0, 100, 200, 40], 4, 1, 1, 2, 1);
        Assert.Equal(new byte[] { 71, 117 }, shrunk);
        // Enlarging 2 -> 4: edge pixels copy, inner ones mix 3:1.
        var grown = Resampler.Resize([0, 200], 2, 1, 1, 4, 1);
        Assert.Equal(new byte[] { 0, 50, 150, 200 }, grown);
        // Vertical pass alone, two channels.
        var vert = Resampler.Resize([0, 10, 100, 20, 200, 30, 40, 40], 1, 4, 2, 1, 2);
        Assert.Equal(new byte[] { 71, 17, 117, 33 }, vert);
        // A constant image stays constant at any size.
        var flat = Enumerable.Repeat((byte)77, 128 * 96 * 3).ToArray();
        Assert.All(Resampler.Resize(flat, 128, 96, 3, 64, 48), b => Assert.Equal(77, b));
        Assert.All(Resampler.Resize(flat, 128, 96, 3, 50, 131), b => Assert.Equal(77, b));
    }

    [Fact]
    public void FrameTransformCropsWithBlackPaddingThenResizes()
    {
        var img = RandomImage(8, 6, 4);
        var cropped = new FrameTransform([2, 1, 6, 4], 4, 3).Apply(img);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 4; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(img.Pixels[((y + 1) * 8 + x + 2) * 3 + c], cropped.Pixels[(y * 4 + x) * 3 + c]);
        var padded = new FrameTransform([6, 0, 10, 2], 4, 2).Apply(img);
        Assert.Equal(img.Pixels[(0 * 8 + 6) * 3], padded.Pixels[0]);
        Assert.Equal(0, padded.Pixels[(0 * 4 + 2) * 3]);
        var resized = new FrameTransform([0, 0, 8, 6], 4, 3).Apply(img);
        Assert.Equal(Resampler.Resize(img.Pixels, 8, 6, 3, 4, 3), resized.Pixels);
        Assert.Throws<GlassException>(() => new FrameTransform([5, 0, 2, 4], 4, 3));
    }

    sealed class FloatComparer(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(float f) => 0;
    }
}
