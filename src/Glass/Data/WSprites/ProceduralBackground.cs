using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>
/// A seeded ground texture for the built-in W-Sprites (256 × 256 like the LPC background): multi-octave
/// value noise over a muted earth palette plus scattered stones and tufts, so that its motion is easy to
/// see while the saturated, outlined characters stand apart from it.
/// </summary>
public static class ProceduralBackground
{
    public const int Size = 256;
    static readonly (double R, double G, double B)[] Palette = [(88, 82, 66), (116, 108, 84), (140, 130, 100), (120, 122, 86), (150, 142, 112)];

    public static RgbImage Generate(long seed)
    {
        var rng = DeterministicRandom.For(seed, 0xb9c6);
        var field = new double[Size * Size];
        foreach (var (cell, weight) in new[] { (64, 0.45), (32, 0.27), (16, 0.17), (8, 0.11) })
        {
            int n = Size / cell + 1;
            var lattice = new double[n * n];
            for (int i = 0; i < lattice.Length; i++) lattice[i] = rng.NextDouble();
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    double fx = (double)x / cell, fy = (double)y / cell;
                    int ix = (int)fx, iy = (int)fy;
                    double tx = Smooth(fx - ix), ty = Smooth(fy - iy);
                    double a = lattice[iy * n + ix], b = lattice[iy * n + ix + 1], c = lattice[(iy + 1) * n + ix], d = lattice[(iy + 1) * n + ix + 1];
                    field[y * Size + x] += weight * ((a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty);
                }
        }
        var px = new byte[Size * Size * 3];
        for (int i = 0; i < field.Length; i++)
        {
            double t = Math.Clamp((field[i] - 0.2) / 0.6, 0, 1) * (Palette.Length - 1);
            int k = Math.Min((int)t, Palette.Length - 2);
            double f = t - k;
            px[i * 3] = (byte)(Palette[k].R * (1 - f) + Palette[k + 1].R * f);
            px[i * 3 + 1] = (byte)(Palette[k].G * (1 - f) + Palette[k + 1].G * f);
            px[i * 3 + 2] = (byte)(Palette[k].B * (1 - f) + Palette[k + 1].B * f);
        }
        var image = new RgbImage(Size, Size, px);
        for (int i = 0; i < 70; i++) Stone(image, rng);
        for (int i = 0; i < 90; i++) Tuft(image, rng);
        return image;
    }

    static double Smooth(double t) => t * t * (3 - 2 * t);

    static void Put(RgbImage img, int x, int y, int r, int g, int b)
    {
        if ((uint)x >= Size || (uint)y >= Size) return;
        int o = (y * Size + x) * 3;
        img.Pixels[o] = (byte)Math.Clamp(r, 0, 255); img.Pixels[o + 1] = (byte)Math.Clamp(g, 0, 255); img.Pixels[o + 2] = (byte)Math.Clamp(b, 0, 255);
    }

    static void Stone(RgbImage img, DeterministicRandom rng)
    {
        int cx = rng.NextInt(Size), cy = rng.NextInt(Size);
        double rx = 2.5 + rng.NextDouble() * 4, ry = rx * (0.6 + 0.3 * rng.NextDouble());
        int tone = 150 + rng.NextInt(40);
        for (int y = (int)(cy - ry - 1); y <= cy + ry + 1; y++)
            for (int x = (int)(cx - rx - 1); x <= cx + rx + 1; x++)
            {
                double dx = (x - cx) / rx, dy = (y - cy) / ry, d = dx * dx + dy * dy;
                if (d > 1) continue;
                // Lit from the top: the lower rim is darker.
                int shade = dy > 0.45 ? -45 : dy < -0.4 ? 15 : 0;
                Put(img, x, y, tone + shade, tone + shade - 4, tone + shade - 12);
            }
    }

    static void Tuft(RgbImage img, DeterministicRandom rng)
    {
        int cx = rng.NextInt(Size), cy = rng.NextInt(Size);
        for (int blade = -2; blade <= 2; blade++)
            for (int h = 0; h < 4 + rng.NextInt(3); h++)
                Put(img, cx + blade + (blade * h) / 4, cy - h, 70, 96, 52);
    }
}
