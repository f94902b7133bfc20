using System.Runtime.InteropServices;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Web.Play;

/// <summary>An 8-bit RGB frame the size of the model's frames: (H, W, 3) bytes, rows top to bottom.</summary>
public sealed record Picture(int Width, int Height, byte[] Rgb)
{
    /// <summary>(3, H, W) float in [-1, 1].</summary>
    public Tensor ToTensor(Device device)
    {
        using var scope = NewDisposeScope();
        var t = tensor(Rgb, [Height, Width, 3], ScalarType.Byte).to(device)
            .permute(2, 0, 1).to(ScalarType.Float32).mul_(2.0 / 255.0).sub_(1.0).contiguous();
        return t.MoveToOuterDisposeScope();
    }

    /// <summary>One picture per batch entry of (B, 3, H, W) in [-1, 1] (x = 2p/255 - 1, rounded back).</summary>
    public static Picture[] FromTensor(Tensor frames /* (B, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        long b = frames.shape[0], h = frames.shape[2], w = frames.shape[3];
        var bytes = frames.detach().add(1).mul_(127.5).round_().clamp_(0, 255).to(ScalarType.Byte)
            .permute(0, 2, 3, 1).contiguous().cpu().data<byte>().ToArray();
        var size = (int)(h * w * 3);
        return Enumerable.Range(0, (int)b).Select(i => new Picture((int)w, (int)h, bytes[(i * size)..((i + 1) * size)])).ToArray();
    }

    /// <summary>One 8-bit mask per batch entry of (B, 1, H, W) in [0, 1].</summary>
    public static byte[][] MasksFromTensor(Tensor masks /* (B, 1, H, W) */)
    {
        using var scope = NewDisposeScope();
        long b = masks.shape[0], size = masks.shape[2] * masks.shape[3];
        var bytes = masks.detach().mul(255).round_().clamp_(0, 255).to(ScalarType.Byte).contiguous().cpu().data<byte>().ToArray();
        return Enumerable.Range(0, (int)b).Select(i => bytes[(int)(i * size)..(int)((i + 1) * size)]).ToArray();
    }

    /// <summary>PNG of the frame (opaque RGB).</summary>
    public byte[] EncodePng()
    {
        var rgba = new byte[Width * Height * 4];
        for (int i = 0, j = 0; j < Rgb.Length; i += 4, j += 3)
        {
            rgba[i] = Rgb[j]; rgba[i + 1] = Rgb[j + 1]; rgba[i + 2] = Rgb[j + 2]; rgba[i + 3] = 255;
        }
        return EncodeRgba(rgba, Width, Height, SKAlphaType.Opaque);
    }

    /// <summary>PNG of a mask as an overlay: one tint colour, alpha = the mask value (so the page can read the mask back).</summary>
    public static byte[] EncodeMaskOverlayPng(byte[] mask, int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < mask.Length; i++)
        {
            rgba[4 * i] = 255; rgba[4 * i + 1] = 40; rgba[4 * i + 2] = 200; rgba[4 * i + 3] = mask[i];
        }
        return EncodeRgba(rgba, width, height, SKAlphaType.Unpremul);
    }

    /// <summary>A horizontal strip of pictures (the local-action previews).</summary>
    public static byte[] EncodeStripPng(IReadOnlyList<Picture> pictures)
    {
        int w = pictures[0].Width, h = pictures[0].Height, n = pictures.Count;
        var rgba = new byte[w * n * h * 4];
        for (int k = 0; k < n; k++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int s = (y * w + x) * 3, d = (y * w * n + k * w + x) * 4;
                    rgba[d] = pictures[k].Rgb[s]; rgba[d + 1] = pictures[k].Rgb[s + 1]; rgba[d + 2] = pictures[k].Rgb[s + 2]; rgba[d + 3] = 255;
                }
        return EncodeRgba(rgba, w * n, h, SKAlphaType.Opaque);
    }

    static byte[] EncodeRgba(byte[] rgba, int width, int height, SKAlphaType alpha)
    {
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha), handle.AddrOfPinnedObject(), width * 4);
            // Low zlib effort: these PNGs live for one response, encoding time is latency.
            using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 1))
                ?? throw new InvalidOperationException($"PNG encoding failed for a {width}x{height} image");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}
