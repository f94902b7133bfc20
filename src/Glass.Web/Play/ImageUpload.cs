using System.Runtime.InteropServices;
using SkiaSharp;

namespace Glass.Web.Play;

/// <summary>
/// Checks an uploaded starting image and fits it to the model's frame size. Order matters: the
/// declared type and the byte size are checked before reading, the file signature before decoding,
/// and the pixel count from the header before any pixel is decoded (decompression bombs).
/// </summary>
public static class ImageUpload
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];

    /// <summary>File extension for an accepted content type; 415 for anything else.</summary>
    public static string ExtensionFor(string? contentType)
    {
        var type = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return type switch
        {
            "image/png" => ".png",
            "image/jpeg" or "image/jpg" => ".jpg",
            _ => throw PlaygroundError.Unsupported($"upload type '{type ?? "none"}' is not accepted; send a PNG or JPEG image (Content-Type image/png or image/jpeg)"),
        };
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> bytes; 413 when the body is longer.</summary>
    public static async Task<byte[]> ReadLimitedAsync(Stream body, long? declaredLength, long maxBytes, CancellationToken token)
    {
        if (declaredLength > maxBytes) throw TooLarge(declaredLength.Value, maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, token)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw TooLarge(buffer.Length + read, maxBytes);
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw PlaygroundError.BadRequest("the upload is empty; choose a PNG or JPEG file");
        return buffer.ToArray();
    }

    static PlaygroundError TooLarge(long bytes, long max) =>
        PlaygroundError.TooLarge($"upload is larger than the {max / (1024.0 * 1024):0.#} MiB limit (at least {bytes / (1024.0 * 1024):0.#} MiB); send a smaller image");

    /// <summary>Decodes PNG/JPEG bytes and fits them to width x height (centre crop to the aspect ratio, then bilinear resize).</summary>
    public static Picture Decode(byte[] bytes, string extension, long maxPixels, int width, int height)
    {
        var signature = extension == ".png" ? PngSignature : JpegSignature;
        if (bytes.Length < signature.Length || !bytes.AsSpan(0, signature.Length).SequenceEqual(signature))
            throw PlaygroundError.Unsupported($"the upload is declared as {(extension == ".png" ? "PNG" : "JPEG")} but its content is not; send a real PNG or JPEG file");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw PlaygroundError.BadRequest("the upload cannot be decoded (corrupt or truncated image)");
        int w = codec.Info.Width, h = codec.Info.Height;
        if (w <= 0 || h <= 0) throw PlaygroundError.BadRequest($"the upload has an invalid size {w}x{h}");
        if ((long)w * h > maxPixels)
            throw PlaygroundError.TooLarge($"the upload is {w}x{h} = {(long)w * h / 1e6:0.#} Mpixel, above the {maxPixels / 1e6:0.#} Mpixel limit; downscale it first");
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        // Incomplete input still fills the decoded rows; a user would rather be told than get a half-grey frame.
        if (result != SKCodecResult.Success)
            throw PlaygroundError.BadRequest($"the upload is corrupt or truncated ({result}); re-export the image and try again");
        return Fit(bitmap, width, height);
    }

    /// <summary>Centre crop to width:height, resize, flatten alpha onto black.</summary>
    static Picture Fit(SKBitmap source, int width, int height)
    {
        double scale = Math.Max((double)width / source.Width, (double)height / source.Height);
        double cropW = width / scale, cropH = height / scale;
        var src = SKRect.Create((float)((source.Width - cropW) / 2), (float)((source.Height - cropH) / 2), (float)cropW, (float)cropH);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.Black);
        using var image = SKImage.FromBitmap(source);
        surface.Canvas.DrawImage(image, src, SKRect.Create(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var rgba = new byte[width * height * 4];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            if (!surface.ReadPixels(info, handle.AddrOfPinnedObject(), width * 4, 0, 0))
                throw new InvalidOperationException("reading back the resized upload failed");
        }
        finally
        {
            handle.Free();
        }
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i]; rgb[j + 1] = rgba[i + 1]; rgb[j + 2] = rgba[i + 2];
        }
        return new Picture(width, height, rgb);
    }
}
