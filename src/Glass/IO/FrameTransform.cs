namespace Glass.IO;

/// <summary>
/// The reference's per-frame transform (<c>data.crop</c> then <c>data.input_size</c>): crop the box
/// (left, upper, right, lower) — parts outside the image read as black, as in Pillow — then, if the size
/// differs, resize to (width, height) with Pillow-compatible bilinear filtering.
/// </summary>
public sealed class FrameTransform
{
    /// <summary>(left, upper, right, lower) or null for no crop.</summary>
    public int[]? Crop { get; }
    public int Width { get; }
    public int Height { get; }

    public FrameTransform(int[]? crop, int width, int height)
    {
        if (crop is not null)
        {
            if (crop.Length != 4) throw new GlassException($"data.crop: expected [left, upper, right, lower], got {crop.Length} values");
            if (crop[2] <= crop[0] || crop[3] <= crop[1])
                throw new GlassException($"data.crop: [{string.Join(", ", crop)}] is empty (right must exceed left and lower must exceed upper)");
        }
        if (width <= 0 || height <= 0) throw new GlassException($"data.input_size: [{width}, {height}] must be positive");
        Crop = crop is null ? null : (int[])crop.Clone();
        Width = width;
        Height = height;
    }

    /// <summary>No crop, no resize: frames must already have this size.</summary>
    public static FrameTransform Identity(int width, int height) => new(null, width, height);

    public RgbImage Apply(RgbImage image)
    {
        var (w, h, px) = CropPixels(image.Pixels, image.Width, image.Height, 3);
        if (w == Width && h == Height) return ReferenceEquals(px, image.Pixels) ? image : new RgbImage(w, h, px);
        return new RgbImage(Width, Height, Resampler.Resize(px, w, h, 3, Width, Height));
    }

    public GrayImage Apply(GrayImage image)
    {
        var (w, h, px) = CropPixels(image.Pixels, image.Width, image.Height, 1);
        if (w == Width && h == Height) return ReferenceEquals(px, image.Pixels) ? image : new GrayImage(w, h, px);
        return new GrayImage(Width, Height, Resampler.Resize(px, w, h, 1, Width, Height));
    }

    (int W, int H, byte[] Pixels) CropPixels(byte[] src, int width, int height, int channels)
    {
        if (Crop is null || (Crop[0] == 0 && Crop[1] == 0 && Crop[2] == width && Crop[3] == height)) return (width, height, src);
        int left = Crop[0], upper = Crop[1], cw = Crop[2] - Crop[0], ch = Crop[3] - Crop[1];
        var dst = new byte[cw * ch * channels];
        for (int y = 0; y < ch; y++)
        {
            int sy = y + upper;
            if (sy < 0 || sy >= height) continue;
            int x0 = Math.Max(0, -left), x1 = Math.Min(cw, width - left);
            if (x1 <= x0) continue;
            Buffer.BlockCopy(src, (sy * width + left + x0) * channels, dst, (y * cw + x0) * channels, (x1 - x0) * channels);
        }
        return (cw, ch, dst);
    }
}
