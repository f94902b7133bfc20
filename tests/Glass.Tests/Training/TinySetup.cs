using Glass.Config;
using Glass.Data;
using Glass.IO;

namespace Glass.Tests.Training;

/// <summary>A tiny model configuration and a tiny synthetic dataset (a square moving over a
/// textured background) that train in seconds.</summary>
public static class TinySetup
{
    public const int Width = 32, Height = 32;

    public static GlassConfig Config(string dataRoot)
    {
        var c = new GlassConfig();
        c.Data.DataRoot = dataRoot;
        c.Data.Crop = [0, 0, Width, Height];
        c.Data.InputSize = [Width, Height];
        c.Model = TinyModel.Config(Width, Height);
        var t = c.Training;
        t.Batching.BatchSize = 2;
        t.Batching.ObservationsCount = 4;
        t.Batching.NumWorkers = 1;
        t.NumObservationsStart = 3;
        t.NumObservationsEnd = 4;
        t.NumObservationsIncreaseStart = 2;
        t.NumObservationsSteps = 2;
        t.GtObservationsStart = 2;
        t.GtObservationsEnd = 1;
        t.GtObservationsDecreaseStart = 0;
        t.GtObservationsSteps = 4;
        t.PretrainingStepsGma = 2;
        t.LrSchedule = [5];
        t.Perceptual.Mode = "off";
        t.LogEvery = 1;
        t.MediaEvery = 3;
        t.CheckpointEvery = 2;
        t.MaxSteps = 6;
        c.Runtime.Threads = 1;
        c.Validate();
        return c;
    }

    /// <summary>Writes `train/` with a few short videos; returns the dataset root.</summary>
    public static string Dataset(int videos = 3, int frames = 8)
    {
        var root = TestPaths.NewTempDir("glass-tiny-data");
        var train = Path.Combine(root, "train");
        Directory.CreateDirectory(train);
        var rng = new Random(7);
        for (int v = 0; v < videos; v++)
        {
            using var writer = new VideoFolderWriter(train, $"video{v:D3}");
            int x = rng.Next(0, Width - 8), y = rng.Next(0, Height - 8);
            for (int f = 0; f < frames; f++)
            {
                var image = new RgbImage(Width, Height);
                for (int r = 0; r < Height; r++)
                    for (int col = 0; col < Width; col++)
                    {
                        int i = (r * Width + col) * 3;
                        bool square = col >= x && col < x + 8 && r >= y && r < y + 8;
                        image.Pixels[i] = (byte)(square ? 230 : 40 + ((col + f) * 13 % 50));
                        image.Pixels[i + 1] = (byte)(square ? 200 : 60 + (r * 7 % 40));
                        image.Pixels[i + 2] = (byte)(square ? 30 : 90);
                    }
                writer.AddFrame(image);
                x = Math.Clamp(x + rng.Next(-2, 3), 0, Width - 8);
                y = Math.Clamp(y + rng.Next(-2, 3), 0, Height - 8);
            }
            writer.Commit();
        }
        return root;
    }
}
