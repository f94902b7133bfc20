using System.Runtime.InteropServices;
using Glass.IO;
using SkiaSharp;

namespace Glass.Tests.Generation;

/// <summary>Decodes our outputs with independent decoders (Skia for GIF/PNG) to check them.</summary>
static class DecodedVideo
{
    public sealed record Gif(List<RgbImage> Frames, int[] DurationsMs, int RepetitionCount);

    public static Gif DecodeGif(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new InvalidOperationException($"Skia cannot open {path}");
        Xunit.Assert.Equal(SKEncodedImageFormat.Gif, codec.EncodedFormat);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var frames = new List<RgbImage>();
        var durations = new List<int>();
        var count = Math.Max(1, codec.FrameCount);
        var rgba = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var frameInfo = codec.FrameCount > 0 ? codec.FrameInfo[i] : default;
                // Each frame is drawn onto the previous one when the codec says it depends on it.
                var result = codec.GetPixels(info, handle.AddrOfPinnedObject(), new SKCodecOptions(i, codec.FrameCount > 0 ? frameInfo.RequiredFrame : -1));
                if (result != SKCodecResult.Success) throw new InvalidOperationException($"frame {i}: {result}");
                var image = new RgbImage(info.Width, info.Height);
                for (int p = 0, q = 0; q < rgba.Length; p += 3, q += 4)
                {
                    image.Pixels[p] = rgba[q];
                    image.Pixels[p + 1] = rgba[q + 1];
                    image.Pixels[p + 2] = rgba[q + 2];
                }
                frames.Add(image);
                durations.Add(frameInfo.Duration);
            }
        }
        finally
        {
            handle.Free();
        }
        return new Gif(frames, durations.ToArray(), codec.RepetitionCount);
    }

    public static RgbImage DecodePng(string path)
    {
        using var bitmap = SKBitmap.Decode(path) ?? throw new InvalidOperationException($"Skia cannot decode {path}");
        var image = new RgbImage(bitmap.Width, bitmap.Height);
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                image.SetPixel(x, y, (c.Red, c.Green, c.Blue));
            }
        return image;
    }

    public static double MeanAbsoluteError(RgbImage a, RgbImage b)
    {
        Xunit.Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++) sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return (double)sum / a.Pixels.Length;
    }
}
