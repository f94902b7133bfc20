using System.Runtime.InteropServices;
using Glass.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace Glass.Web.Play;

/// <summary>Frames between tensors, 8-bit images and the PNGs the page shows.</summary>
public static class FrameCodec
{
    /// <summary>One image per batch entry of (B, 3, H, W) in [-1, 1] (one copy off the device).</summary>
    public static RgbImage[] Frames(Tensor frames /* (B, 3, H, W) */) => FrameLayout.FromBatch(frames);

    /// <summary>One 8-bit mask per batch entry of (B, 1, H, W) in [0, 1].</summary>
    public static GrayImage[] Masks(Tensor masks /* (B, 1, H, W) */)
    {
        using var scope = NewDisposeScope();
        return Enumerable.Range(0, (int)masks.shape[0]).Select(b => ImageIO.ToGrayImage(masks[b])).ToArray();
    }

    /// <summary>(1, 3, H, W) in [-1, 1] on <paramref name="device"/>.</summary>
    public static Tensor Batch(RgbImage image, Device device) /* (1, 3, H, W) */
    {
        using var scope = NewDisposeScope();
        return ImageIO.ToTensor(image, device).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>PNG of a frame (opaque RGB). Fast zlib settings: these PNGs live for one response and encoding time is latency.</summary>
    public static byte[] Png(RgbImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        var p = image.Pixels;
        for (int i = 0, j = 0; j < p.Length; i += 4, j += 3)
        {
            rgba[i] = p[j]; rgba[i + 1] = p[j + 1]; rgba[i + 2] = p[j + 2]; rgba[i + 3] = 255;
        }
        return EncodeRgba(rgba, image.Width, image.Height, SKAlphaType.Opaque);
    }

    /// <summary>PNG of a mask as an overlay: one tint colour, alpha = the mask value (so the page can read the mask back).</summary>
    public static byte[] MaskOverlayPng(GrayImage mask)
    {
        var rgba = new byte[mask.Width * mask.Height * 4];
        for (int i = 0; i < mask.Pixels.Length; i++)
        {
            rgba[4 * i] = 255; rgba[4 * i + 1] = 40; rgba[4 * i + 2] = 200; rgba[4 * i + 3] = mask.Pixels[i];
        }
        return EncodeRgba(rgba, mask.Width, mask.Height, SKAlphaType.Unpremul);
    }

    /// <summary>A horizontal strip of equally sized frames (the local-action previews).</summary>
    public static byte[] StripPng(IReadOnlyList<RgbImage> frames)
    {
        int w = frames[0].Width, h = frames[0].Height, n = frames.Count;
        var rgba = new byte[w * n * h * 4];
        for (int k = 0; k < n; k++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int s = (y * w + x) * 3, d = (y * w * n + k * w + x) * 4;
                    var p = frames[k].Pixels;
                    rgba[d] = p[s]; rgba[d + 1] = p[s + 1]; rgba[d + 2] = p[s + 2]; rgba[d + 3] = 255;
                }
        return EncodeRgba(rgba, w * n, h, SKAlphaType.Opaque);
    }

    static byte[] EncodeRgba(byte[] rgba, int width, int height, SKAlphaType alpha)
    {
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha), handle.AddrOfPinnedObject(), width * 4);
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
