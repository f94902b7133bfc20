using TorchSharp;
using static TorchSharp.torch;

namespace Glass.IO;

/// <summary>Pixel access, nearest-neighbour enlargement and picture layouts (grids, side by side) for
/// <see cref="RgbImage"/>: how generated frames become matrices, strips and comparisons.</summary>
public static class FrameLayout
{
    public static (byte R, byte G, byte B) GetPixel(this RgbImage image, int x, int y)
    {
        var i = (y * image.Width + x) * 3;
        return (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    public static void SetPixel(this RgbImage image, int x, int y, (byte R, byte G, byte B) color)
    {
        var i = (y * image.Width + x) * 3;
        (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = color;
    }

    public static void Fill(this RgbImage image, (byte R, byte G, byte B) color)
    {
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3) (p[i], p[i + 1], p[i + 2]) = color;
    }

    /// <summary>Every pixel repeated <paramref name="factor"/> times in each direction.</summary>
    public static RgbImage ScaleNearest(this RgbImage image, int factor)
    {
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), "scale must be at least 1");
        if (factor == 1) return image;
        var result = new RgbImage(image.Width * factor, image.Height * factor);
        var rowBytes = result.Width * 3;
        for (int y = 0; y < image.Height; y++)
        {
            var target = result.Pixels.AsSpan(y * factor * rowBytes, rowBytes);
            for (int x = 0; x < image.Width; x++)
            {
                var src = image.Pixels.AsSpan((y * image.Width + x) * 3, 3);
                for (int r = 0; r < factor; r++) src.CopyTo(target.Slice((x * factor + r) * 3, 3));
            }
            for (int r = 1; r < factor; r++) target.CopyTo(result.Pixels.AsSpan((y * factor + r) * rowBytes, rowBytes));
        }
        return result;
    }

    /// <summary>Copies <paramref name="source"/> with its top-left corner at (x, y); parts outside are clipped.</summary>
    public static void Paste(this RgbImage target, RgbImage source, int x, int y)
    {
        int sx0 = Math.Max(0, -x), sx1 = Math.Min(source.Width, target.Width - x);
        if (sx1 <= sx0) return;
        for (int sy = Math.Max(0, -y); sy < source.Height && y + sy < target.Height; sy++)
            source.Pixels.AsSpan((sy * source.Width + sx0) * 3, (sx1 - sx0) * 3)
                .CopyTo(target.Pixels.AsSpan(((y + sy) * target.Width + x + sx0) * 3));
    }

    /// <summary>Lays cells out in a grid (row-major; null cells stay background) with <paramref name="gap"/> pixels between them.</summary>
    public static RgbImage Grid(IReadOnlyList<RgbImage?> cells, int columns, int gap = 0, (byte R, byte G, byte B)? background = null)
    {
        if (columns < 1 || cells.Count == 0) throw new ArgumentException("a grid needs at least one cell and one column");
        int rows = (cells.Count + columns - 1) / columns;
        var colWidths = new int[columns];
        var rowHeights = new int[rows];
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not { } c) continue;
            colWidths[i % columns] = Math.Max(colWidths[i % columns], c.Width);
            rowHeights[i / columns] = Math.Max(rowHeights[i / columns], c.Height);
        }
        var grid = new RgbImage(Math.Max(1, colWidths.Sum() + gap * (columns - 1)), Math.Max(1, rowHeights.Sum() + gap * (rows - 1)));
        grid.Fill(background ?? ((byte)255, (byte)255, (byte)255));
        for (int i = 0, y = 0; i < cells.Count; i++)
        {
            int col = i % columns, row = i / columns;
            if (col == 0 && row > 0) y += rowHeights[row - 1] + gap;
            if (cells[i] is { } c) grid.Paste(c, colWidths.Take(col).Sum() + gap * col, y);
        }
        return grid;
    }

    /// <summary>Side by side, left to right.</summary>
    public static RgbImage Beside(IReadOnlyList<RgbImage> images, int gap = 0, (byte R, byte G, byte B)? background = null) =>
        Grid(images.Cast<RgbImage?>().ToList(), images.Count, gap, background);

    /// <summary>A batch of images in [-1, 1], or of masks in [0, 1] (shown grey), as 8-bit pictures
    /// (same rounding as <see cref="ImageIO.ToRgbImage"/>), with one copy off the device.</summary>
    /// <param name="images">(N, 3, H, W) in [-1, 1], or (N, 1, H, W) in [0, 1] when <paramref name="isMask"/></param>
    public static RgbImage[] FromBatch(Tensor images, bool isMask = false)
    {
        using var scope = torch.NewDisposeScope();
        if (images.dim() != 4 || images.shape[1] != (isMask ? 1 : 3))
            throw new ArgumentException($"expected (N, {(isMask ? 1 : 3)}, H, W), got ({string.Join(", ", images.shape)})", nameof(images));
        var x = images.detach().to(CPU).to(ScalarType.Float32);
        x = isMask ? x.mul(255.0) : x.add(1.0).mul(127.5);
        if (isMask) x = x.expand(-1, 3, -1, -1);
        var bytes = x.add(0.5).nan_to_num(0).clamp(0, 255).floor().to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        int n = (int)bytes.shape[0], h = (int)bytes.shape[1], w = (int)bytes.shape[2];
        var all = bytes.data<byte>().ToArray();
        var result = new RgbImage[n];
        var frameBytes = h * w * 3;
        for (int i = 0; i < n; i++) result[i] = new RgbImage(w, h, all.AsSpan(i * frameBytes, frameBytes).ToArray());
        return result;
    }
}
