namespace Glass.IO;

/// <summary>At most 256 RGB colours and a nearest-colour lookup (cached per exact colour), as a GIF needs. Ours
/// rather than a library's: see <see cref="GifWriter"/>.</summary>
public sealed class ColorPalette
{
    readonly int[] _colors; // 0xRRGGBB
    readonly NearestColor _search;
    readonly Dictionary<int, byte> _nearest = new();

    public ColorPalette(IReadOnlyList<int> colors)
    {
        if (colors.Count is < 1 or > 256) throw new ArgumentException($"a palette has 1..256 colours, not {colors.Count}", nameof(colors));
        _colors = colors.ToArray();
        _search = new NearestColor(_colors);
        for (int i = 0; i < _colors.Length; i++) _nearest.TryAdd(_colors[i], (byte)i);
    }

    public int Count => _colors.Length;

    /// <summary>Colour i as 0xRRGGBB.</summary>
    public int this[int i] => _colors[i];

    /// <summary>The index of the palette colour closest (squared RGB distance) to 0xRRGGBB.</summary>
    public byte IndexOf(int rgb)
    {
        if (_nearest.TryGetValue(rgb, out var index)) return index;
        index = (byte)_search.Find(rgb);
        _nearest[rgb] = index;
        return index;
    }

    /// <summary>Maps every pixel of an image to its palette index.</summary>
    public byte[] Map(RgbImage image)
    {
        var p = image.Pixels;
        var indices = new byte[image.Width * image.Height];
        int last = -1;
        byte lastIndex = 0;
        for (int i = 0, j = 0; i < indices.Length; i++, j += 3)
        {
            var rgb = (p[j] << 16) | (p[j + 1] << 8) | p[j + 2];
            if (rgb != last) (last, lastIndex) = (rgb, IndexOf(rgb)); // runs of one colour are common
            indices[i] = lastIndex;
        }
        return indices;
    }

}

/// <summary>Nearest-colour search over a small palette: entries sorted by red, scanned outwards from
/// the query's red value and stopped once the red difference alone exceeds the best distance.</summary>
internal sealed class NearestColor
{
    readonly int[] _r, _g, _b, _index;

    public NearestColor(int[] colors)
    {
        _index = Enumerable.Range(0, colors.Length).OrderBy(i => colors[i] >> 16).ToArray();
        _r = _index.Select(i => colors[i] >> 16).ToArray();
        _g = _index.Select(i => (colors[i] >> 8) & 255).ToArray();
        _b = _index.Select(i => colors[i] & 255).ToArray();
    }

    /// <summary>Index (into the original colour list) of the closest colour to 0xRRGGBB.</summary>
    public int Find(int rgb)
    {
        int r = rgb >> 16, g = (rgb >> 8) & 255, b = rgb & 255;
        int lo = 0, hi = _r.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_r[mid] < r) lo = mid + 1; else hi = mid;
        }
        int best = -1, bestDistance = int.MaxValue;
        int up = lo, down = lo - 1;
        while (up < _r.Length || down >= 0)
        {
            if (up < _r.Length)
            {
                int dr = _r[up] - r;
                if (dr * dr >= bestDistance) up = _r.Length;
                else
                {
                    int dg = _g[up] - g, db = _b[up] - b, d = dr * dr + dg * dg + db * db;
                    if (d < bestDistance) (bestDistance, best) = (d, up);
                    up++;
                }
            }
            if (down >= 0)
            {
                int dr = _r[down] - r;
                if (dr * dr >= bestDistance) down = -1;
                else
                {
                    int dg = _g[down] - g, db = _b[down] - b, d = dr * dr + dg * dg + db * db;
                    if (d < bestDistance) (bestDistance, best) = (d, down);
                    down--;
                }
            }
        }
        return _index[best];
    }
}
