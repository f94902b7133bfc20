using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.IO;

/// <summary>An 8-bit RGB picture (row-major, 3 bytes a pixel): the torch-free currency of the
/// video writers (GIF, MP4, PNG frames) and of the picture layouts (matrices, side-by-side).</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        if (pixels is not null && pixels.Length != checked(width * height * 3))
            throw new ArgumentException($"{pixels.Length} bytes do not make a {width}x{height} RGB image", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[width * height * 3];
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>R, G, B bytes, row after row.</summary>
    public byte[] Pixels { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * 3;
            return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
        set
        {
            var i = (y * Width + x) * 3;
            (Pixels[i], Pixels[i + 1], Pixels[i + 2]) = value;
        }
    }

    /// <summary>Converts images in [-1, 1] (3 channels) or masks in [0, 1] (1 channel, shown grey).</summary>
    /// <param name="images">(N, 3, H, W) in [-1, 1], or (N, 1, H, W) in [0, 1] when <paramref name="isMask"/></param>
    public static RgbImage[] FromTensor(Tensor images, bool isMask = false)
    {
        using var scope = torch.NewDisposeScope();
        if (images.dim() == 3) images = images.unsqueeze(0);
        if (images.dim() != 4 || images.shape[1] != (isMask ? 1 : 3))
            throw new ArgumentException($"expected (N, {(isMask ? 1 : 3)}, H, W), got ({string.Join(", ", images.shape)})", nameof(images));
        var x = images.detach().to(torch.CPU).to(torch.float32);
        x = isMask ? x.clamp(0, 1) : (x.clamp(-1, 1) + 1) / 2;
        if (isMask) x = x.expand(-1, 3, -1, -1);
        var bytes = (x * 255).round_().to(torch.uint8).permute(0, 2, 3, 1).contiguous();
        int n = (int)bytes.shape[0], h = (int)bytes.shape[1], w = (int)bytes.shape[2];
        var all = bytes.data<byte>().ToArray();
        var result = new RgbImage[n];
        var frameBytes = h * w * 3;
        for (int i = 0; i < n; i++) result[i] = new RgbImage(w, h, all.AsSpan(i * frameBytes, frameBytes).ToArray());
        return result;
    }

    /// <summary>(3, H, W) float32 in [-1, 1] on <paramref name="device"/>.</summary>
    public Tensor ToTensor(Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(Pixels, torch.uint8).reshape(Height, Width, 3).permute(2, 0, 1).to(torch.float32) / 127.5f - 1f;
        return t.to(device ?? torch.CPU).MoveToOuterDisposeScope();
    }

    /// <summary>Every pixel repeated <paramref name="factor"/> times in each direction (nearest neighbour).</summary>
    public RgbImage ScaleNearest(int factor)
    {
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), "scale must be at least 1");
        if (factor == 1) return this;
        var result = new RgbImage(Width * factor, Height * factor);
        var rowBytes = result.Width * 3;
        for (int y = 0; y < Height; y++)
        {
            var target = result.Pixels.AsSpan(y * factor * rowBytes, rowBytes);
            for (int x = 0; x < Width; x++)
            {
                var src = Pixels.AsSpan((y * Width + x) * 3, 3);
                for (int r = 0; r < factor; r++) src.CopyTo(target.Slice((x * factor + r) * 3, 3));
            }
            for (int r = 1; r < factor; r++) target.CopyTo(result.Pixels.AsSpan((y * factor + r) * rowBytes, rowBytes));
        }
        return result;
    }

    /// <summary>Copies <paramref name="source"/> with its top-left corner at (x, y); parts outside are clipped.</summary>
    public void Paste(RgbImage source, int x, int y)
    {
        for (int sy = Math.Max(0, -y); sy < source.Height && y + sy < Height; sy++)
        {
            int sx0 = Math.Max(0, -x), sx1 = Math.Min(source.Width, Width - x);
            if (sx1 <= sx0) return;
            source.Pixels.AsSpan((sy * source.Width + sx0) * 3, (sx1 - sx0) * 3)
                .CopyTo(Pixels.AsSpan(((y + sy) * Width + x + sx0) * 3));
        }
    }

    public void Fill((byte R, byte G, byte B) color)
    {
        for (int i = 0; i < Pixels.Length; i += 3) (Pixels[i], Pixels[i + 1], Pixels[i + 2]) = color;
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

    /// <summary>Encodes as PNG (lossless).</summary>
    public byte[] EncodePng()
    {
        using var bitmap = ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes a PNG atomically (temp file, then move).</summary>
    public void SavePng(string path) => OutputFile.WriteAllBytes(path, EncodePng());

    internal SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rgba = new byte[Width * Height * 4];
        for (int i = 0, j = 0; i < Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = Pixels[i];
            rgba[j + 1] = Pixels[i + 1];
            rgba[j + 2] = Pixels[i + 2];
            rgba[j + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    /// <summary>Converts a decoded bitmap (any colour type) to RGB; transparent pixels are composited over black.</summary>
    internal static RgbImage FromBitmap(SKBitmap source)
    {
        using var rgba = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(rgba))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawBitmap(source, 0, 0);
        }
        var bytes = new byte[source.Width * source.Height * 4];
        System.Runtime.InteropServices.Marshal.Copy(rgba.GetPixels(), bytes, 0, bytes.Length);
        var image = new RgbImage(source.Width, source.Height);
        for (int i = 0, j = 0; j < bytes.Length; i += 3, j += 4)
        {
            image.Pixels[i] = bytes[j];
            image.Pixels[i + 1] = bytes[j + 1];
            image.Pixels[i + 2] = bytes[j + 2];
        }
        return image;
    }
}
