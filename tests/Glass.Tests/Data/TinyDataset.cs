using Glass.Data;
using Glass.IO;

namespace Glass.Tests.Data;

/// <summary>Small synthetic datasets whose pixels encode (video, frame), so tests can check what was loaded.</summary>
static class TinyDataset
{
    public const int Width = 8, Height = 6;

    /// <summary>Frame f of video v: R = 10 v + f, G = x * 20, B = y * 30; mask = right half on, or left half when f is odd.</summary>
    public static RgbImage Frame(int v, int f)
    {
        var img = new RgbImage(Width, Height);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                int o = (y * Width + x) * 3;
                img.Pixels[o] = (byte)(10 * v + f);
                img.Pixels[o + 1] = (byte)(x * 20);
                img.Pixels[o + 2] = (byte)(y * 30);
            }
        return img;
    }

    public static GrayImage Mask(int f)
    {
        var m = new GrayImage(Width, Height);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                m.Pixels[y * Width + x] = (byte)((x >= Width / 2) ^ (f % 2 == 1) ? 255 : 0);
        return m;
    }

    public static VideoMetadata Metadata(int v, int frames) => new()
    {
        Global = Enumerable.Range(0, frames).Select(f => (v + f) % 5).ToArray(),
        Local = Enumerable.Range(0, frames).Select(f => 100 * v + f).ToArray(),
        Shifts = Enumerable.Range(0, frames).Select(f => new[] { f / 64f, -v / 32f }).ToArray(),
        BackgroundShifts = Enumerable.Range(0, frames).Select(f => new[] { -f / 128f, v / 128f }).ToArray(),
        Identity = 1000 + v,
    };

    /// <summary>Writes videos 0..n-1 with the given frame counts into dir; masks and metadata optional.</summary>
    public static void WriteVideos(string dir, int[] frameCounts, bool masks = true, bool metadata = true, int firstVideo = 0)
    {
        for (int i = 0; i < frameCounts.Length; i++)
        {
            int v = firstVideo + i;
            using var w = new VideoFolderWriter(dir, $"video_{v:D3}");
            for (int f = 0; f < frameCounts[i]; f++) w.AddFrame(Frame(v, f), masks ? Mask(f) : null);
            w.Commit(metadata ? Metadata(v, frameCounts[i]) : null);
        }
    }

    /// <summary>A splitted dataset: train has videos 0..2, val 3, test 4.</summary>
    public static string Splitted(int frames = 10, bool masks = true, bool metadata = true)
    {
        var root = TestPaths.NewTempDir("glass-tiny");
        WriteVideos(Path.Combine(root, "train"), [frames, frames + 2, frames], masks, metadata);
        WriteVideos(Path.Combine(root, "val"), [frames], masks, metadata, firstVideo: 3);
        WriteVideos(Path.Combine(root, "test"), [frames], masks, metadata, firstVideo: 4);
        return root;
    }
}
