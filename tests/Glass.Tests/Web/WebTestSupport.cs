using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Glass.IO;
using Glass.Web;
using Glass.Web.Play;
using SkiaSharp;

namespace Glass.Tests.Web;

/// <summary>Starts a playground server on a free loopback port for one test and talks to it.</summary>
sealed class TestServer : IAsyncDisposable
{
    public PlaygroundServer Server { get; }
    public HttpClient Http { get; }
    public Playground Playground => Server.Playground;

    TestServer(PlaygroundServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public static async Task<TestServer> StartAsync(IPlayableModel model, PlaygroundOptions? options = null, IEnumerable<IStartImageSource>? sources = null)
    {
        options ??= new PlaygroundOptions();
        options = options with { Port = 0, TempRoot = options.TempRoot ?? TestPaths.NewTempDir("glass-web") };
        var playground = new Playground(model, options, sources ?? [TestImages.Source(model.Width, model.Height, 4)]);
        return new TestServer(await PlaygroundServer.StartAsync(playground));
    }

    public async Task<JsonElement> PostJson(string path, object? body, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        using var response = await Http.PostAsync(path, body is null ? null : JsonContent.Create(body));
        var text = await response.Content.ReadAsStringAsync();
        Xunit.Assert.True(response.StatusCode == expected, $"POST {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<(System.Net.HttpStatusCode Status, string Body)> PostRaw(string path, string body, string contentType = "application/json")
    {
        using var response = await Http.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, contentType));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        var temp = Playground.TempRoot;
        await Server.DisposeAsync();
        try { Directory.Delete(temp, true); } catch (IOException) { }
    }
}

/// <summary>Start images and image helpers for the web tests.</summary>
static class TestImages
{
    /// <summary>Distinct procedural pictures: a colour gradient with a bright block at a picture-dependent place.</summary>
    public static RgbImage Make(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                bool block = x >= seed * 3 % width && x < seed * 3 % width + width / 4 && y >= height / 3 && y < height / 3 + height / 4;
                rgb[i] = (byte)(block ? 250 : 40 + 150 * x / width);
                rgb[i + 1] = (byte)(block ? 230 : (60 + 37 * seed) % 200);
                rgb[i + 2] = (byte)(block ? 40 : 30 + 150 * y / height);
            }
        return new RgbImage(width, height, rgb);
    }

    public static ImageListSource Source(int width, int height, int count) =>
        new("character", "Test characters", Enumerable.Range(0, count).Select(i => ($"test {i}", Make(width, height, i))).ToList());

    /// <summary>Decodes a base64 PNG to (width, height, RGBA bytes).</summary>
    public static (int W, int H, byte[] Rgba) DecodePng(string base64) => Decode(Convert.FromBase64String(base64));

    public static (int W, int H, byte[] Rgba) Decode(byte[] bytes)
    {
        using var bitmap = SKBitmap.Decode(bytes) ?? throw new InvalidDataException("not an image");
        using var rgba = bitmap.Copy(SKColorType.Rgba8888);
        var pixels = new byte[rgba.Width * rgba.Height * 4];
        Marshal.Copy(rgba.GetPixels(), pixels, 0, pixels.Length);
        return (rgba.Width, rgba.Height, pixels);
    }

    /// <summary>RGB bytes of an RGBA buffer.</summary>
    public static byte[] Rgb(byte[] rgba) => rgba.Where((_, i) => i % 4 != 3).ToArray();

    public static byte[] EncodePng(int width, int height, Func<int, int, SKColor> pixel) => Encode(width, height, pixel, SKEncodedImageFormat.Png);
    public static byte[] EncodeJpeg(int width, int height, Func<int, int, SKColor> pixel) => Encode(width, height, pixel, SKEncodedImageFormat.Jpeg);

    static byte[] Encode(int width, int height, Func<int, int, SKColor> pixel, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bitmap.SetPixel(x, y, pixel(x, y));
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A copy of a PNG whose header claims another size (CRC fixed, pixel data untouched).</summary>
    public static byte[] WithClaimedSize(byte[] png, int width, int height)
    {
        var copy = (byte[])png.Clone();
        // Signature (8) + IHDR length (4) + "IHDR" (4): width and height follow, big-endian.
        WriteBigEndian(copy, 16, (uint)width);
        WriteBigEndian(copy, 20, (uint)height);
        WriteBigEndian(copy, 29, Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    static void WriteBigEndian(byte[] b, int at, uint v)
    {
        b[at] = (byte)(v >> 24); b[at + 1] = (byte)(v >> 16); b[at + 2] = (byte)(v >> 8); b[at + 3] = (byte)v;
    }

    static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
