using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Glass.Runtime;
using Glass.Web;
using Glass.Web.Play;
using Xunit;

namespace Glass.Tests.Web;

/// <summary>The HTTP API over a real Kestrel on loopback, with an exact test-double model.</summary>
public class PlaygroundApiTests
{
    public PlaygroundApiTests() => TorchRuntime.Initialize();

    static byte[] FrameRgb(JsonElement result) => TestImages.Rgb(TestImages.DecodePng(result.GetProperty("frame").GetString()!).Rgba);

    [Fact]
    public async Task ServesPageAndInfo()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel());
        Assert.True(t.Server.IsLoopback);
        var page = await t.Http.GetStringAsync("/");
        Assert.Contains("<canvas id=\"screen\"", page);
        Assert.Contains("createImageBitmap", await t.Http.GetStringAsync("/app.js"));
        var info = JsonDocument.Parse(await t.Http.GetStringAsync("/api/info")).RootElement;
        Assert.Equal(32, info.GetProperty("width").GetInt32());
        Assert.Equal(3, info.GetProperty("localActions").GetInt32());
        Assert.Equal(["right", "left", "down", "up", "stay"], info.GetProperty("globalActions").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        var thumb = await t.Http.GetByteArrayAsync("/api/starts/character/2");
        Assert.Equal(TestImages.Make(32, 24, 2).Pixels, TestImages.Rgb(TestImages.Decode(thumb).Rgba));
    }

    [Fact]
    public async Task StepsMoveTheFrameAndResetReturnsToTheStart()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel());
        var start = TestImages.Make(32, 24, 1);
        var created = await t.PostJson("/api/sessions", new { source = "character", index = 1 });
        var id = created.GetProperty("session").GetString()!;
        Assert.Equal(0, created.GetProperty("step").GetInt32());
        Assert.Equal(start.Pixels, FrameRgb(created));

        var right = await t.PostJson($"/api/sessions/{id}/step", new { action = "right", local = 0 });
        Assert.Equal(1, right.GetProperty("step").GetInt32());
        // The double rolls by dx * W / 2 = 4 pixels.
        var moved = FrameRgb(right);
        Assert.Equal(start.Pixels[0..3], moved[(4 * 3)..(5 * 3)]);
        Assert.NotNull(right.GetProperty("mask").GetString());

        var free = await t.PostJson($"/api/sessions/{id}/step", new { dx = -0.25, dy = 0.0 });
        Assert.Equal(start.Pixels, FrameRgb(free));
        Assert.Equal(0, free.GetProperty("local").GetInt32());
        var local = await t.PostJson($"/api/sessions/{id}/step", new { action = "stay", local = 2 });
        Assert.NotEqual(start.Pixels, FrameRgb(local));
        Assert.Equal(2, local.GetProperty("local").GetInt32());

        var reset = await t.PostJson($"/api/sessions/{id}/reset", null);
        Assert.Equal(0, reset.GetProperty("step").GetInt32());
        Assert.Equal(start.Pixels, FrameRgb(reset));
        Assert.Equal(start.Pixels, FrameRgb(await t.PostJson($"/api/sessions/{id}/step", new { action = "stay", local = 0 })));
    }

    [Fact]
    public async Task BadRequestsGet4xxAndLeaveTheSessionUsable()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel());
        var id = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        var step = $"/api/sessions/{id}/step";
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"action\":\"jump\"}")).Status);
        Assert.Contains("unknown action 'jump'", (await t.PostRaw(step, "{\"action\":\"jump\"}")).Body);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"action\":")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "[1,2]")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"action\":\"right\",\"speed\":3}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"action\":\"right\",\"dx\":0.1}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"dx\":0.1}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"dx\":5,\"dy\":0}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"dx\":\"x\",\"dy\":0}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"action\":\"right\",\"local\":3}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw(step, "{\"action\":\"right\",\"local\":1.5}")).Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await t.PostRaw(step, "{\"action\":\"" + new string('x', 10000) + "\"}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw($"/api/sessions/{id}/start", "{\"source\":\"moon\",\"index\":0}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await t.PostRaw($"/api/sessions/{id}/start", "{\"source\":\"character\",\"index\":99}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await t.PostRaw("/api/sessions/0123456789abcdef0123456789abcdef/step", "{\"action\":\"right\"}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await t.Http.GetAsync("/api/nothing")).StatusCode);
        var error = JsonDocument.Parse((await t.PostRaw(step, "{\"action\":\"jump\"}")).Body).RootElement.GetProperty("error").GetString();
        Assert.StartsWith("unknown action", error);
        // Still playable after all that.
        Assert.Equal(1, (await t.PostJson(step, new { action = "right" })).GetProperty("step").GetInt32());
    }

    [Fact]
    public async Task SessionsDoNotSeeEachOthersFrames()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel());
        var a = (await t.PostJson("/api/sessions", new { source = "character", index = 0 })).GetProperty("session").GetString()!;
        var b = (await t.PostJson("/api/sessions", new { source = "character", index = 3 })).GetProperty("session").GetString()!;
        Assert.NotEqual(a, b);
        string[] movesA = ["right", "right", "down", "stay"], movesB = ["left", "up", "up", "left"];
        var tasks = new List<Task<JsonElement>>();
        JsonElement lastA = default, lastB = default;
        for (int i = 0; i < movesA.Length; i++)
        {
            // Both sessions step concurrently; each keeps its own recurrent state.
            var ta = t.PostJson($"/api/sessions/{a}/step", new { action = movesA[i], local = 1 });
            var tb = t.PostJson($"/api/sessions/{b}/step", new { action = movesB[i], local = 0 });
            lastA = await ta;
            lastB = await tb;
        }
        var soloA = (await t.PostJson("/api/sessions", new { source = "character", index = 0 })).GetProperty("session").GetString()!;
        JsonElement replay = default;
        foreach (var m in movesA) replay = await t.PostJson($"/api/sessions/{soloA}/step", new { action = m, local = 1 });
        Assert.Equal(FrameRgb(replay), FrameRgb(lastA));
        Assert.NotEqual(FrameRgb(lastA), FrameRgb(lastB));
    }

    [Fact]
    public async Task FloodsOfOneSessionGet429WithoutDisturbingAnother()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel(), new PlaygroundOptions { RequestBurst = 5, RequestsPerSecond = 1 });
        var flooder = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        var calm = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        var flood = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => t.PostRaw($"/api/sessions/{flooder}/step", "{\"action\":\"right\"}")));
        Assert.Contains(flood, r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.All(flood, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{r.Status}: {r.Body}"));
        Assert.True(flood.Count(r => r.Status == HttpStatusCode.OK) <= 5);
        Assert.Equal(1, (await t.PostJson($"/api/sessions/{calm}/step", new { action = "left" })).GetProperty("step").GetInt32());
    }

    [Fact]
    public async Task SessionLimitIdleCleanupAndClose()
    {
        var model = new ShiftingTestModel();
        await using var t = await TestServer.StartAsync(model, new PlaygroundOptions { MaxSessions = 2, SessionIdleTimeout = TimeSpan.FromMilliseconds(200) });
        var a = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        var b = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        await t.PostJson("/api/sessions", null, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(2, model.OpenPlaybacks);

        await t.PostJson($"/api/sessions/{a}/close", null, HttpStatusCode.NoContent);
        await t.PostJson($"/api/sessions/{a}/step", new { action = "right" }, HttpStatusCode.NotFound);
        Assert.Equal(1, model.OpenPlaybacks);

        await Task.Delay(400);
        Assert.Equal(1, await t.Playground.CloseIdleAsync());
        await t.PostJson($"/api/sessions/{b}/step", new { action = "right" }, HttpStatusCode.NotFound);
        Assert.Equal(0, t.Playground.SessionCount);
        Assert.Equal(0, model.OpenPlaybacks);
    }

    [Fact]
    public async Task UploadsAreCheckedAndKeptInTheTempFolder()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel(), new PlaygroundOptions { MaxUploadBytes = 200_000, MaxUploadPixels = 1_000_000 });
        var id = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        var url = $"/api/sessions/{id}/upload";
        async Task<(HttpStatusCode, string)> Upload(byte[] bytes, string type)
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            using var response = await t.Http.PostAsync(url, content);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // 64x48 -> 32x24: a 2x downscale of a left-red / right-blue image keeps the halves.
        var png = TestImages.EncodePng(64, 48, (x, _) => x < 32 ? new SkiaSharp.SKColor(255, 0, 0) : new SkiaSharp.SKColor(0, 0, 255));
        var (status, body) = await Upload(png, "image/png");
        Assert.Equal(HttpStatusCode.OK, status);
        var frame = TestImages.Rgb(TestImages.DecodePng(JsonDocument.Parse(body).RootElement.GetProperty("frame").GetString()!).Rgba);
        Assert.Equal([255, 0, 0], frame[0..3]);
        Assert.Equal([0, 0, 255], frame[^3..]);
        Assert.Single(Directory.GetFiles(t.Playground.TempRoot));

        var jpeg = TestImages.EncodeJpeg(300, 100, (x, y) => new SkiaSharp.SKColor((byte)x, (byte)y, 90));
        Assert.Equal(HttpStatusCode.OK, (await Upload(jpeg, "image/jpeg")).Item1);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Upload(png, "image/gif")).Item1);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Upload(png, "image/jpeg")).Item1);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Upload("hello"u8.ToArray(), "image/png")).Item1);
        Assert.Equal(HttpStatusCode.BadRequest, (await Upload(png[..(png.Length / 2)], "image/png")).Item1);
        Assert.Equal(HttpStatusCode.BadRequest, (await Upload([], "image/png")).Item1);
        var bomb = await Upload(TestImages.WithClaimedSize(png, 20000, 20000), "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.Item1);
        Assert.Contains("Mpixel", bomb.Item2);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Upload(new byte[300_000], "image/png")).Item1);

        Assert.Equal(2, Directory.GetFiles(t.Playground.TempRoot).Length);
        await t.PostJson($"/api/sessions/{id}/close", null, HttpStatusCode.NoContent);
        Assert.Empty(Directory.GetFiles(t.Playground.TempRoot));
    }

    [Fact]
    public async Task PreviewsShowEachLocalAction()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel(), new PlaygroundOptions { PreviewSteps = 3 });
        var id = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        var json = JsonDocument.Parse(await t.Http.GetStringAsync($"/api/sessions/{id}/previews")).RootElement;
        var strips = json.GetProperty("previews").EnumerateArray().Select(p => TestImages.DecodePng(p.GetString()!)).ToList();
        Assert.Equal(3, strips.Count);
        Assert.All(strips, s => Assert.Equal((4 * 32, 24), (s.W, s.H))); // the start and three steps
        // Local action 0 keeps the double's frame; 2 brightens it most.
        Assert.True(strips[2].Rgba.Sum(b => b) > strips[0].Rgba.Sum(b => b));
        // The session itself did not move.
        Assert.Equal(1, (await t.PostJson($"/api/sessions/{id}/step", new { action = "stay" })).GetProperty("step").GetInt32());
    }

    [Fact]
    public async Task DownloadsTheSessionAsGifAndMp4()
    {
        await using var t = await TestServer.StartAsync(new ShiftingTestModel());
        var id = (await t.PostJson("/api/sessions", null)).GetProperty("session").GetString()!;
        foreach (var move in new[] { "right", "down", "stay" }) await t.PostJson($"/api/sessions/{id}/step", new { action = move });

        using var gif = await t.Http.GetAsync($"/api/sessions/{id}/video.gif?scale=3");
        Assert.Equal(HttpStatusCode.OK, gif.StatusCode);
        Assert.Equal("image/gif", gif.Content.Headers.ContentType?.MediaType);
        Assert.Equal("glass-session.gif", gif.Content.Headers.ContentDisposition?.FileNameStar ?? gif.Content.Headers.ContentDisposition?.FileName);
        var bytes = await gif.Content.ReadAsByteArrayAsync();
        using (var codec = SkiaSharp.SKCodec.Create(new MemoryStream(bytes)))
        {
            Assert.Equal(4, codec.FrameCount); // the start frame and three steps
            Assert.Equal((96, 72), (codec.Info.Width, codec.Info.Height));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await t.Http.GetAsync($"/api/sessions/{id}/video.gif?scale=40")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await t.Http.GetAsync($"/api/sessions/{id}/video.avi")).StatusCode);

        if (!Glass.IO.FfmpegVideo.IsAvailable) return; // .ci/run installs ffmpeg; the GIF above is the part that needs nothing
        using var mp4 = await t.Http.GetAsync($"/api/sessions/{id}/video.mp4");
        Assert.Equal(HttpStatusCode.OK, mp4.StatusCode);
        var path = Path.Combine(TestPaths.NewTempDir("glass-mp4"), "session.mp4");
        await File.WriteAllBytesAsync(path, await mp4.Content.ReadAsByteArrayAsync());
        Assert.Equal(4, Glass.IO.FfmpegVideo.CountFrames(path));
        Assert.Empty(Directory.GetFiles(t.Playground.TempRoot));
    }

    [Fact]
    public async Task BindsLoopbackUnlessToldAndRefusesBadAddresses()
    {
        var model = new ShiftingTestModel();
        Playground New(string host, int port) => new(model, new PlaygroundOptions { Host = host, Port = port, TempRoot = TestPaths.NewTempDir("glass-web") }, [TestImages.Source(32, 24, 1)]);
        await using (var local = await PlaygroundServer.StartAsync(New("localhost", 0)))
        {
            Assert.True(local.IsLoopback);
            Assert.Equal("127.0.0.1", local.Address.Host);
            // The port is taken now: a clear error, not a stack trace.
            var taken = await Assert.ThrowsAsync<GlassException>(() => PlaygroundServer.StartAsync(New("127.0.0.1", local.Address.Port)));
            Assert.Equal(GlassInput.Port, taken.Input);
        }
        await using (var open = await PlaygroundServer.StartAsync(New("0.0.0.0", 0)))
            Assert.False(open.IsLoopback);
        var e = await Assert.ThrowsAsync<GlassException>(() => PlaygroundServer.StartAsync(New("example.com", 0)));
        Assert.Equal(GlassInput.Host, e.Input);
    }
}
