using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.IO;

/// <summary>
/// Reading and writing frames and masks. Decoding goes through SkiaSharp (PNG incl. palette and
/// gray, JPEG, WebP, ...); transparency is flattened onto a solid colour (black unless told otherwise;
/// note the reference flattens onto white, which only matters for images with alpha). Writing is
/// always 8-bit PNG with fixed encoder settings, so equal pixels give equal bytes.
/// </summary>
public static class ImageIO
{
    /// <summary>Images above this many pixels are refused before decoding (decompression-bomb guard).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Reads an image as 8-bit RGB; alpha is composited over <paramref name="alphaBackground"/>.</summary>
    public static RgbImage ReadRgb(string path, byte alphaBackground = 0)
    {
        var (w, h, rgba) = DecodeRgba(path);
        var rgb = new byte[w * h * 3];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            int a = rgba[i + 3];
            if (a == 255)
            {
                rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2];
            }
            else
            {
                int bg = alphaBackground * (255 - a);
                rgb[j] = (byte)((rgba[i] * a + bg + 127) / 255);
                rgb[j + 1] = (byte)((rgba[i + 1] * a + bg + 127) / 255);
                rgb[j + 2] = (byte)((rgba[i + 2] * a + bg + 127) / 255);
            }
        }
        return new RgbImage(w, h, rgb);
    }

    /// <summary>Reads an image with its alpha channel (straight, not premultiplied): (H, W, 4) bytes.</summary>
    public static (int Width, int Height, byte[] Rgba) ReadRgba(string path) => DecodeRgba(path);

    /// <summary>Reads a mask: gray images as they are, colour images by ITU-R 601 luma (Pillow's "L"), alpha flattened onto black.</summary>
    public static GrayImage ReadGray(string path)
    {
        var rgb = ReadRgb(path);
        var gray = new byte[rgb.Width * rgb.Height];
        var p = rgb.Pixels;
        for (int i = 0, j = 0; i < gray.Length; i++, j += 3)
            gray[i] = (byte)((p[j] * 19595 + p[j + 1] * 38470 + p[j + 2] * 7471 + 0x8000) >> 16);
        return new GrayImage(rgb.Width, rgb.Height, gray);
    }

    /// <summary>Reads a frame, applies the optional crop/resize, returns (3, H, W) float in [-1, 1].</summary>
    public static Tensor ReadTensor(string path, FrameTransform? transform = null, Device? device = null)
    {
        var img = ReadRgb(path);
        if (transform is not null) img = transform.Apply(img);
        return ToTensor(img, device);
    }

    /// <summary>Reads a mask, applies the optional crop/resize, returns (1, H, W) float in [0, 1].</summary>
    public static Tensor ReadMaskTensor(string path, FrameTransform? transform = null, Device? device = null)
    {
        var img = ReadGray(path);
        if (transform is not null) img = transform.Apply(img);
        return ToTensor(img, device);
    }

    /// <summary>(3, H, W) float in [-1, 1], x = 2 p / 255 - 1.</summary>
    public static Tensor ToTensor(RgbImage image, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var t = tensor(image.Pixels, new long[] { image.Height, image.Width, 3 }, ScalarType.Byte)
            .permute(2, 0, 1).to(ScalarType.Float32).mul_(2.0 / 255.0).sub_(1.0);
        return (device is null ? t.contiguous() : t.to(device).contiguous()).MoveToOuterDisposeScope();
    }

    /// <summary>(1, H, W) float in [0, 1], m = p / 255.</summary>
    public static Tensor ToTensor(GrayImage image, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var t = tensor(image.Pixels, new long[] { 1, image.Height, image.Width }, ScalarType.Byte)
            .to(ScalarType.Float32).div_(255.0);
        return (device is null ? t : t.to(device)).MoveToOuterDisposeScope();
    }

    /// <summary>(3, H, W) in [-1, 1] (any device) to 8-bit RGB: p = floor(255 (x + 1) / 2 + 0.5) clamped.</summary>
    public static RgbImage ToRgbImage(Tensor image /* (3, H, W) */)
    {
        if (image.dim() != 3 || image.shape[0] != 3)
            throw new GlassException($"an RGB image tensor must have shape (3, H, W), got ({string.Join(", ", image.shape)})");
        using var scope = NewDisposeScope();
        var bytes = image.detach().to(CPU).to(ScalarType.Float32).add(1.0).mul(127.5).add(0.5).nan_to_num(0).clamp(0, 255).floor()
            .to(ScalarType.Byte).permute(1, 2, 0).contiguous();
        return new RgbImage((int)image.shape[2], (int)image.shape[1], bytes.data<byte>().ToArray());
    }

    /// <summary>(1, H, W) or (H, W) in [0, 1] to 8-bit gray: p = floor(255 m + 0.5) clamped.</summary>
    public static GrayImage ToGrayImage(Tensor mask /* (1, H, W) */)
    {
        if (!(mask.dim() == 2 || (mask.dim() == 3 && mask.shape[0] == 1)))
            throw new GlassException($"a mask tensor must have shape (1, H, W), got ({string.Join(", ", mask.shape)})");
        using var scope = NewDisposeScope();
        var bytes = mask.detach().to(CPU).to(ScalarType.Float32).mul(255.0).add(0.5).nan_to_num(0).clamp(0, 255).floor()
            .to(ScalarType.Byte).contiguous();
        return new GrayImage((int)mask.shape[^1], (int)mask.shape[^2], bytes.data<byte>().ToArray());
    }

    /// <summary>Writes a (3, H, W) [-1, 1] tensor as an RGB PNG (atomically).</summary>
    public static void WritePng(string path, Tensor image /* (3, H, W) */) => WritePng(path, ToRgbImage(image));

    /// <summary>Writes a (1, H, W) [0, 1] mask tensor as an 8-bit gray PNG (atomically).</summary>
    public static void WriteMaskPng(string path, Tensor mask /* (1, H, W) */) => WritePng(path, ToGrayImage(mask));

    public static void WritePng(string path, RgbImage image) => WriteAtomically(path, EncodePng(image));
    public static void WritePng(string path, GrayImage image) => WriteAtomically(path, EncodePng(image));

    /// <summary>PNG bytes of an RGB image (8-bit RGB, no alpha, no timestamps: deterministic).</summary>
    public static byte[] EncodePng(RgbImage image)
    {
        // Skia encodes opaque RGBA as 8-bit RGB colour type 2.
        var rgba = new byte[image.Width * image.Height * 4];
        var p = image.Pixels;
        for (int i = 0, j = 0; j < p.Length; i += 4, j += 3)
        {
            rgba[i] = p[j]; rgba[i + 1] = p[j + 1]; rgba[i + 2] = p[j + 2]; rgba[i + 3] = 255;
        }
        return Encode(rgba, new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), image.Width * 4);
    }

    /// <summary>PNG bytes of a gray image (8-bit gray, deterministic).</summary>
    public static byte[] EncodePng(GrayImage image) =>
        Encode(image.Pixels, new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque), image.Width);

    /// <summary>Writes bytes to <c>path.tmp-PID</c> then renames, so readers never see a half-written file.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(dir);
            var tmp = $"{full}.tmp-{Environment.ProcessId}";
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{path}: cannot write ({e.Message}); check that the folder exists and is writable", e);
        }
    }

    static byte[] Encode(byte[] pixels, SKImageInfo info, int rowBytes)
    {
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), rowBytes);
            // Fixed filter and zlib level, so output depends only on the pixels. Paeth at level 3 is 3.5x faster
            // than trying all filters at level 6 for W-Sprites frames, for files about 5 % larger.
            var options = new SKPngEncoderOptions(SKPngEncoderFilterFlags.Paeth, 3);
            using var data = pixmap.Encode(options) ?? throw new GlassException($"PNG encoding failed for a {info.Width}x{info.Height} image");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    static (int W, int H, byte[] Rgba) DecodeRgba(string path)
    {
        if (!File.Exists(path)) throw new GlassException($"{path}: image file not found");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{path}: cannot read image ({e.Message})", e);
        }
        if (bytes.Length == 0) throw new GlassException($"{path}: image file is empty; regenerate or remove it");
        return DecodeRgba(bytes, path);
    }

    /// <summary>Decodes encoded image bytes; <paramref name="name"/> is used in error messages.</summary>
    public static (int W, int H, byte[] Rgba) DecodeRgba(byte[] bytes, string name)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null) throw new GlassException($"{name}: not a readable image (corrupt or unsupported format)");
        int w = codec.Info.Width, h = codec.Info.Height;
        if (w <= 0 || h <= 0) throw new GlassException($"{name}: image has an invalid size {w}x{h}");
        if ((long)w * h > MaxPixels)
            throw new GlassException($"{name}: image is {w}x{h} = {(long)w * h / 1e6:F1} Mpixel, above the {MaxPixels / 1_000_000} Mpixel limit; downscale it first");
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[(long)w * h * 4];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            var result = codec.GetPixels(info, handle.AddrOfPinnedObject());
            if (result != SKCodecResult.Success)
                throw new GlassException($"{name}: image data is corrupt or truncated ({result})");
        }
        finally
        {
            handle.Free();
        }
        return (w, h, rgba);
    }
}
