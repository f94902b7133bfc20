namespace Glass.IO;

/// <summary>An 8-bit single-channel image (masks): rows top to bottom, one byte per pixel.</summary>
public sealed class GrayImage
{
    public int Width { get; }
    public int Height { get; }
    /// <summary>Height * Width bytes, (H, W) order.</summary>
    public byte[] Pixels { get; }

    public GrayImage(int width, int height, byte[]? pixels = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} must be positive");
        Width = width;
        Height = height;
        Pixels = pixels ?? new byte[checked(width * height)];
        if (Pixels.Length != width * height)
            throw new ArgumentException($"{Pixels.Length} bytes given for a {width}x{height} gray image (needs {width * height})", nameof(pixels));
    }

    public GrayImage Clone() => new(Width, Height, (byte[])Pixels.Clone());
}
