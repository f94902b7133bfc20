using Glass.Data;
using Glass.IO;

namespace Glass.Tests.Evaluation;

/// <summary>A small W-Sprites-like test split for evaluation tests: a bright square walks over a textured
/// background; masks, shifts, background shifts, local labels and identities recorded as the data format says.</summary>
internal static class EvaluationData
{
    public const int Width = 32, Height = 32, Square = 8;

    /// <summary>Writes <c>root/test</c> with <paramref name="videos"/> videos of <paramref name="frames"/> frames.</summary>
    public static string Write(int videos = 3, int frames = 8, bool groundTruth = true)
    {
        var root = TestPaths.NewTempDir("glass-eval-data");
        var dir = Path.Combine(root, "test");
        var random = new Random(5);
        for (int v = 0; v < videos; v++)
        {
            using var writer = new VideoFolderWriter(dir, $"video_{v:D3}");
            int x = 4 + v, y = 6;
            var shifts = new List<float[]>();
            var bgShifts = new List<float[]>();
            var labels = new List<int>();
            for (int f = 0; f < frames; f++)
            {
                // entry f is the move that led to frame f: right, stay, down, left ... (entry 0: before the clip)
                int dx = (f % 4) switch { 0 => 2, 1 => 0, 2 => 0, _ => -2 }, dy = f % 4 == 2 ? 2 : 0;
                if (f > 0) { x += dx; y += dy; }
                shifts.Add([2f * dx / Width, 2f * dy / Height]);
                bgShifts.Add([f % 2 == 0 ? 2f / Width : 0f, 0f]);
                labels.Add((f + v) % 3);
                var image = new RgbImage(Width, Height);
                var mask = new GrayImage(Width, Height);
                for (int py = 0; py < Height; py++)
                    for (int px = 0; px < Width; px++)
                    {
                        int o = (py * Width + px) * 3;
                        bool inside = px >= x && px < x + Square && py >= y && py < y + Square;
                        image.Pixels[o] = inside ? (byte)230 : (byte)random.Next(40, 120);
                        image.Pixels[o + 1] = inside ? (byte)(200 - 20 * v) : (byte)((px * 7 + f * 3) % 90);
                        image.Pixels[o + 2] = inside ? (byte)60 : (byte)((py * 11) % 100);
                        mask.Pixels[py * Width + px] = inside ? (byte)255 : (byte)0;
                    }
                writer.AddFrame(image, groundTruth ? mask : null);
            }
            writer.Commit(groundTruth
                ? new VideoMetadata { Shifts = [.. shifts], BackgroundShifts = [.. bgShifts], Local = [.. labels], Identity = v % 2 }
                : null);
        }
        return root;
    }

    public static ClipLoader Loader(string root, int frames, int batchSize = 2) =>
        ClipLoader.Open(root, "test", new ClipLoaderOptions
        {
            BatchSize = batchSize, ObservationsCount = frames, Shuffle = false, Repeat = false, DropLast = false,
            WindowStride = frames, Workers = 1, CacheBytes = 0,
        }, null, Width, Height);
}
