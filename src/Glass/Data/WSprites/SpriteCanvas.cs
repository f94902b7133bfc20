namespace Glass.Data.WSprites;

/// <summary>
/// A 64 × 64 RGBA drawing surface for the built-in pixel-art characters: hard-edged shapes (a pixel is
/// painted when its centre is inside), so every drawn pixel is opaque and the alpha is an exact mask.
/// </summary>
public sealed class SpriteCanvas
{
    public const int Size = CharacterSprite.Size;
    public byte[] Pixels { get; } = new byte[Size * Size * 4];

    public readonly record struct Rgb(byte R, byte G, byte B)
    {
        public Rgb Scale(double f) => new((byte)Math.Clamp(R * f, 0, 255), (byte)Math.Clamp(G * f, 0, 255), (byte)Math.Clamp(B * f, 0, 255));
        public static Rgb Of(int r, int g, int b) => new((byte)r, (byte)g, (byte)b);
    }

    public void Set(int x, int y, Rgb c)
    {
        if ((uint)x >= Size || (uint)y >= Size) return;
        int o = (y * Size + x) * 4;
        Pixels[o] = c.R; Pixels[o + 1] = c.G; Pixels[o + 2] = c.B; Pixels[o + 3] = 255;
    }

    public bool IsSet(int x, int y) => (uint)x < Size && (uint)y < Size && Pixels[(y * Size + x) * 4 + 3] != 0;

    void Fill(double x0, double y0, double x1, double y1, Func<double, double, bool> inside, Rgb c)
    {
        int xa = Math.Max(0, (int)Math.Floor(x0) - 1), xb = Math.Min(Size - 1, (int)Math.Ceiling(x1) + 1);
        int ya = Math.Max(0, (int)Math.Floor(y0) - 1), yb = Math.Min(Size - 1, (int)Math.Ceiling(y1) + 1);
        for (int y = ya; y <= yb; y++)
            for (int x = xa; x <= xb; x++)
                if (inside(x + 0.5, y + 0.5)) Set(x, y, c);
    }

    public void Rect(double x0, double y0, double x1, double y1, Rgb c) =>
        Fill(x0, y0, x1, y1, (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1, c);

    public void Ellipse(double cx, double cy, double rx, double ry, Rgb c, Func<double, double, bool>? clip = null) =>
        Fill(cx - rx, cy - ry, cx + rx, cy + ry, (x, y) =>
        {
            double dx = (x - cx) / rx, dy = (y - cy) / ry;
            return dx * dx + dy * dy <= 1 && (clip is null || clip(x, y));
        }, c);

    public void Disk(double cx, double cy, double r, Rgb c) => Ellipse(cx, cy, r, r, c);

    /// <summary>All pixels within <paramref name="r"/> of the segment (a limb).</summary>
    public void Capsule(double ax, double ay, double bx, double by, double r, Rgb c) =>
        Fill(Math.Min(ax, bx) - r, Math.Min(ay, by) - r, Math.Max(ax, bx) + r, Math.Max(ay, by) + r, (x, y) =>
        {
            double vx = bx - ax, vy = by - ay, len2 = vx * vx + vy * vy;
            double t = len2 == 0 ? 0 : Math.Clamp(((x - ax) * vx + (y - ay) * vy) / len2, 0, 1);
            double dx = x - (ax + t * vx), dy = y - (ay + t * vy);
            return dx * dx + dy * dy <= r * r;
        }, c);

    /// <summary>Convex or concave polygon (even-odd rule).</summary>
    public void Polygon(Rgb c, params (double X, double Y)[] p) =>
        Fill(p.Min(q => q.X), p.Min(q => q.Y), p.Max(q => q.X), p.Max(q => q.Y), (x, y) =>
        {
            bool inside = false;
            for (int i = 0, j = p.Length - 1; i < p.Length; j = i++)
                if ((p[i].Y > y) != (p[j].Y > y) && x < (p[j].X - p[i].X) * (y - p[i].Y) / (p[j].Y - p[i].Y) + p[i].X)
                    inside = !inside;
            return inside;
        }, c);

    /// <summary>Surrounds the drawing with a 1-pixel outline (4-neighbourhood), as pixel-art sprites have.</summary>
    public void Outline(Rgb c)
    {
        var add = new List<(int, int)>();
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                if (!IsSet(x, y) && (IsSet(x - 1, y) || IsSet(x + 1, y) || IsSet(x, y - 1) || IsSet(x, y + 1))) add.Add((x, y));
        foreach (var (x, y) in add) Set(x, y, c);
    }

    /// <summary>Left-right mirror image (a left-facing pose becomes right-facing).</summary>
    public byte[] Mirrored()
    {
        var m = new byte[Pixels.Length];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                Buffer.BlockCopy(Pixels, (y * Size + x) * 4, m, (y * Size + Size - 1 - x) * 4, 4);
        return m;
    }
}
