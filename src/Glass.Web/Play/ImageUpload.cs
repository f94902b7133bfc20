using Glass.IO;
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

    /// <summary>
    /// Checks the signature and the header's pixel count, writes the bytes to <paramref name="tempPath"/>
    /// (inside the server's temp folder), decodes it (alpha onto black) and fits it to width x height:
    /// centre crop to the frame's aspect ratio, then the same bilinear resize the datasets get.
    /// </summary>
    public static RgbImage Decode(byte[] bytes, string extension, long maxPixels, int width, int height, string tempPath)
    {
        var signature = extension == ".png" ? PngSignature : JpegSignature;
        if (bytes.Length < signature.Length || !bytes.AsSpan(0, signature.Length).SequenceEqual(signature))
            throw PlaygroundError.Unsupported($"the upload is declared as {(extension == ".png" ? "PNG" : "JPEG")} but its content is not; send a real PNG or JPEG file");
        int w, h;
        using (var data = SKData.CreateCopy(bytes))
        using (var codec = SKCodec.Create(data))
        {
            if (codec is null) throw PlaygroundError.BadRequest("the upload cannot be decoded (corrupt or truncated image)");
            (w, h) = (codec.Info.Width, codec.Info.Height);
        }
        if (w <= 0 || h <= 0) throw PlaygroundError.BadRequest($"the upload has an invalid size {w}x{h}");
        if ((long)w * h > maxPixels)
            throw PlaygroundError.TooLarge($"the upload is {w}x{h} = {(long)w * h / 1e6:0.#} Mpixel, above the {maxPixels / 1e6:0.#} Mpixel limit; downscale it first");
        File.WriteAllBytes(tempPath, bytes);
        RgbImage image;
        try
        {
            image = ImageIO.ReadRgb(tempPath);
        }
        catch (GlassException)
        {
            File.Delete(tempPath);
            throw PlaygroundError.BadRequest("the upload is corrupt or truncated; re-export the image and try again");
        }
        return CentreCrop(w, h, width, height).Apply(image);
    }

    /// <summary>The largest centred box of the frame's aspect ratio, resized to width x height.</summary>
    static FrameTransform CentreCrop(int w, int h, int width, int height)
    {
        double scale = Math.Min((double)w / width, (double)h / height);
        int cw = Math.Max(1, (int)Math.Round(width * scale)), ch = Math.Max(1, (int)Math.Round(height * scale));
        int left = (w - cw) / 2, upper = (h - ch) / 2;
        return new FrameTransform([left, upper, left + cw, upper + ch], width, height);
    }
}
