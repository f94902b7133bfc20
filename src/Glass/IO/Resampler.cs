namespace Glass.IO;

/// <summary>Filters of <see cref="Resampler"/>, as Pillow defines them.</summary>
public enum ResampleFilter
{
    /// <summary>Triangle filter, support 1 (Pillow BILINEAR; the reference's input_size resize).</summary>
    Bilinear,
    /// <summary>sinc(x) sinc(x/3), support 3 (Pillow LANCZOS / ANTIALIAS; the reference's W-Sprites background).</summary>
    Lanczos,
}

/// <summary>
/// Image resize with the same arithmetic as Pillow's <c>Image.resize</c>, which the reference applies to
/// every frame (BILINEAR) and to the W-Sprites background (ANTIALIAS): the filter support widens with the
/// reduction factor (so shrinking averages, it does not skip pixels), separable passes (horizontal first,
/// rounded to 8 bits in between), and 22-bit fixed-point weights. Matching it keeps our inputs
/// pixel-identical to the reference's for the same files.
/// </summary>
public static class Resampler
{
    const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes an interleaved 8-bit image of <paramref name="channels"/> channels.</summary>
    public static byte[] Resize(byte[] src, int width, int height, int channels, int outWidth, int outHeight, ResampleFilter filter = ResampleFilter.Bilinear)
    {
        if (src.Length != width * height * channels) throw new ArgumentException("pixel buffer does not match the size", nameof(src));
        if (outWidth <= 0 || outHeight <= 0) throw new ArgumentOutOfRangeException(nameof(outWidth), $"target size {outWidth}x{outHeight} must be positive");
        if (outWidth == width && outHeight == height) return (byte[])src.Clone();

        var needHorizontal = outWidth != width;
        var needVertical = outHeight != height;
        var (kh, boundsH, ksizeH) = Coefficients(width, outWidth, filter);
        var (kv, boundsV, ksizeV) = Coefficients(height, outHeight, filter);

        var current = src;
        var rows = height;
        var rowOffset = 0;
        if (needHorizontal)
        {
            // Only the source rows the vertical pass will read are resized horizontally.
            var first = needVertical ? boundsV[0] : 0;
            var last = needVertical ? boundsV[(outHeight - 1) * 2] + boundsV[(outHeight - 1) * 2 + 1] : height;
            rows = last - first;
            rowOffset = first;
            current = Horizontal(src, width, channels, first, rows, outWidth, kh, boundsH, ksizeH);
        }
        if (!needVertical) return current;
        var w = needHorizontal ? outWidth : width;
        return Vertical(current, w, channels, rowOffset, outHeight, kv, boundsV, ksizeV);
    }

    static double Triangle(double x)
    {
        if (x < 0) x = -x;
        return x < 1 ? 1 - x : 0;
    }

    static double Sinc(double x)
    {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    static double Lanczos3(double x) => x >= -3.0 && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;

    /// <summary>Per output pixel: first source index, count, and fixed-point weights (ksize per pixel).</summary>
    static (int[] Weights, int[] Bounds, int KSize) Coefficients(int inSize, int outSize, ResampleFilter filter)
    {
        Func<double, double> kernel = filter == ResampleFilter.Lanczos ? Lanczos3 : Triangle;
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = (filter == ResampleFilter.Lanczos ? 3.0 : 1.0) * filterScale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var weights = new int[outSize * ksize];
        var bounds = new int[outSize * 2];
        var k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            double total = 0;
            for (int x = 0; x < xmax; x++)
            {
                k[x] = kernel((x + xmin - center + 0.5) * ss);
                total += k[x];
            }
            for (int x = 0; x < ksize; x++)
            {
                double v = x < xmax && total != 0 ? k[x] / total : 0;
                weights[xx * ksize + x] = v < 0 ? (int)(-0.5 + v * (1 << PrecisionBits)) : (int)(0.5 + v * (1 << PrecisionBits));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return (weights, bounds, ksize);
    }

    static byte Clip8(int v)
    {
        if (v >= (1 << PrecisionBits << 8)) return 255;
        if (v <= 0) return 0;
        return (byte)(v >> PrecisionBits);
    }

    static byte[] Horizontal(byte[] src, int width, int channels, int firstRow, int rows, int outWidth, int[] k, int[] bounds, int ksize)
    {
        var dst = new byte[rows * outWidth * channels];
        for (int y = 0; y < rows; y++)
        {
            int srcRow = (y + firstRow) * width * channels;
            int dstRow = y * outWidth * channels;
            for (int xx = 0; xx < outWidth; xx++)
            {
                int xmin = bounds[xx * 2], xmax = bounds[xx * 2 + 1], kOff = xx * ksize;
                for (int c = 0; c < channels; c++)
                {
                    int ss = 1 << (PrecisionBits - 1);
                    for (int x = 0; x < xmax; x++) ss += src[srcRow + (x + xmin) * channels + c] * k[kOff + x];
                    dst[dstRow + xx * channels + c] = Clip8(ss);
                }
            }
        }
        return dst;
    }

    static byte[] Vertical(byte[] src, int width, int channels, int rowOffset, int outHeight, int[] k, int[] bounds, int ksize)
    {
        var dst = new byte[outHeight * width * channels];
        int stride = width * channels;
        for (int yy = 0; yy < outHeight; yy++)
        {
            int ymin = bounds[yy * 2] - rowOffset, ymax = bounds[yy * 2 + 1], kOff = yy * ksize;
            for (int i = 0; i < stride; i++)
            {
                int ss = 1 << (PrecisionBits - 1);
                for (int y = 0; y < ymax; y++) ss += src[(y + ymin) * stride + i] * k[kOff + y];
                dst[yy * stride + i] = Clip8(ss);
            }
        }
        return dst;
    }
}
