namespace Glass.IO;

/// <summary>An 8-bit RGB image held in managed memory: rows top to bottom, pixels interleaved R, G, B.</summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>Height * Width * 3 bytes, (H, W, 3) order.</summary>
    public byte[] Pixels { get; }

    public RgbImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[checked(width * height * 3)];
        if (Pixels.Length != width * height * 3)
            throw new ArgumentException($"{Pixels.Length} bytes given for a {width}x{height} RGB image (needs {width * height * 3})", nameof(pixels));
    }

    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone());
}
