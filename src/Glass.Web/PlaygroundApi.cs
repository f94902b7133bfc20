using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Glass.IO;
using Glass.Web.Play;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Glass.Web;

/// <summary>
/// The HTTP surface: the page (embedded files) and a small JSON API. Every refusal is a 4xx/503 with
/// <c>{"error": "..."}</c>; frames travel as base64 PNG inside the JSON (one round trip per step).
/// </summary>
public static class PlaygroundApi
{
    const int MaxJsonBytes = 4096;

    public static void Map(WebApplication app, Playground playground)
    {
        var log = app.Services.GetService(typeof(ILoggerFactory)) is ILoggerFactory f ? f.CreateLogger("Glass.Web") : null;
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (Refusal(e) is { } refusal && !context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = refusal.Status;
                if (refusal.Status == 429) context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsJsonAsync(new { error = refusal.Message });
            }
            catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
            {
                log?.LogError(e, "request {Path} failed", context.Request.Path);
                context.Response.Clear();
                context.Response.StatusCode = 500;
                await context.Response.WriteAsJsonAsync(new { error = $"internal error: {e.Message}" });
            }
        });

        foreach (var (path, file, type) in new[] { ("/", "index.html", "text/html; charset=utf-8"), ("/app.js", "app.js", "text/javascript; charset=utf-8"), ("/app.css", "app.css", "text/css; charset=utf-8") })
        {
            var bytes = PageFile(file);
            app.MapGet(path, (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, type);
            });
        }

        var model = playground.Model;
        app.MapGet("/api/info", () => Results.Json(new
        {
            model = model.Description,
            width = model.Width,
            height = model.Height,
            localActions = model.LocalActionCount,
            globalActions = model.GlobalActions.Select(a => new { name = a.Name, dx = a.Dx, dy = a.Dy }),
            maxShift = playground.Options.MaxShift,
            fps = playground.Options.FramesPerSecond,
            previewSteps = playground.Options.PreviewSteps,
            maxUploadBytes = playground.Options.MaxUploadBytes,
            sources = playground.Sources.Select(s => new { key = s.Key, title = s.Title, items = Enumerable.Range(0, s.Count).Select(s.Label) }),
        }));

        var thumbnails = new System.Collections.Concurrent.ConcurrentDictionary<(string, int), byte[]>();
        app.MapGet("/api/starts/{source}/{index:int}", (string source, int index) =>
            Results.Bytes(thumbnails.GetOrAdd((source, index), key => FrameCodec.Png(playground.StartImage(key.Item1, key.Item2).Image)), "image/png"));

        app.MapPost("/api/sessions", async (HttpContext c) =>
        {
            var clock = Stopwatch.StartNew();
            var json = await ReadJsonAsync(c.Request, allowEmpty: true);
            var (picture, label) = json is { } j ? StartFrom(playground, j) : playground.StartImage(playground.Sources[0].Key, 0);
            return Frame(await playground.CreateSessionAsync(picture, label), clock);
        });

        app.MapPost("/api/sessions/{id}/step", async (string id, HttpContext c) =>
        {
            var clock = Stopwatch.StartNew();
            var session = playground.Get(id);
            var json = await ReadJsonAsync(c.Request, allowEmpty: false);
            var (dx, dy, local) = ParseStep(json!.Value, model, session.LocalAction);
            return Frame(await playground.StepAsync(session, dx, dy, local), clock);
        });

        app.MapPost("/api/sessions/{id}/reset", async (string id) =>
        {
            var clock = Stopwatch.StartNew();
            return Frame(await playground.ResetAsync(playground.Get(id)), clock);
        });

        app.MapPost("/api/sessions/{id}/start", async (string id, HttpContext c) =>
        {
            var clock = Stopwatch.StartNew();
            var session = playground.Get(id);
            var json = await ReadJsonAsync(c.Request, allowEmpty: false);
            var (picture, label) = StartFrom(playground, json!.Value);
            return Frame(await playground.SetStartAsync(session, picture, label), clock);
        });

        app.MapPost("/api/sessions/{id}/upload", async (string id, HttpContext c) =>
        {
            var clock = Stopwatch.StartNew();
            var session = playground.Get(id);
            var options = playground.Options;
            var extension = ImageUpload.ExtensionFor(c.Request.ContentType);
            var bytes = await ImageUpload.ReadLimitedAsync(c.Request.Body, c.Request.ContentLength, options.MaxUploadBytes, c.RequestAborted);
            // Written to the temp folder only, under a name of ours, and kept while the session lives.
            var picture = ImageUpload.Decode(bytes, extension, options.MaxUploadPixels, model.Width, model.Height, playground.NewTempFile(session, extension));
            return Frame(await playground.SetStartAsync(session, picture, "upload"), clock);
        });

        app.MapGet("/api/sessions/{id}/previews", async (string id) =>
        {
            var strips = await playground.PreviewsAsync(playground.Get(id));
            return Results.Json(new { steps = playground.Options.PreviewSteps, width = model.Width, height = model.Height, previews = strips.Select(Convert.ToBase64String) });
        });

        app.MapGet("/api/sessions/{id}/video.{format}", async (string id, string format, int? scale) =>
        {
            var bytes = await playground.ExportAsync(playground.Get(id), format, scale ?? 2);
            return Results.File(bytes, format == "gif" ? "image/gif" : "video/mp4", $"glass-session.{format}");
        });

        app.MapPost("/api/sessions/{id}/close", async (string id) =>
        {
            await playground.CloseAsync(id);
            return Results.NoContent();
        });
        app.MapDelete("/api/sessions/{id}", async (string id) =>
        {
            await playground.CloseAsync(id);
            return Results.NoContent();
        });
    }

    static IResult Frame(PlayResult r, Stopwatch clock)
    {
        var frame = Convert.ToBase64String(FrameCodec.Png(r.Frame));
        var mask = r.Mask is null ? null : Convert.ToBase64String(FrameCodec.MaskOverlayPng(r.Mask));
        return Results.Json(new
        {
            session = r.SessionId,
            step = r.Step,
            local = r.LocalAction,
            frame,
            mask,
            timing = new { queuedMs = r.Queued.TotalMilliseconds, modelMs = r.Ran.TotalMilliseconds, serverMs = clock.Elapsed.TotalMilliseconds },
        });
    }

    /// <summary>Parses {"action": name} or {"dx": x, "dy": y}, with an optional "local": k.</summary>
    internal static (float Dx, float Dy, int Local) ParseStep(JsonElement json, IPlayableModel model, int currentLocal)
    {
        string? action = null;
        float? dx = null, dy = null;
        int local = currentLocal;
        foreach (var p in json.EnumerateObject())
        {
            switch (p.Name)
            {
                case "action":
                    action = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw PlaygroundError.BadRequest("'action' must be a string such as \"right\"");
                    break;
                case "dx": dx = Number(p.Value, "dx"); break;
                case "dy": dy = Number(p.Value, "dy"); break;
                case "local":
                    local = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var k) ? k : throw PlaygroundError.BadRequest("'local' must be an integer local action id");
                    break;
                default: throw PlaygroundError.BadRequest($"unknown field '{p.Name}' in a step; use action, or dx and dy, and optionally local");
            }
        }
        if (action is not null)
        {
            if (dx is not null || dy is not null) throw PlaygroundError.BadRequest("a step takes either 'action' or 'dx'/'dy', not both");
            var named = model.GlobalActions.FirstOrDefault(a => a.Name == action)
                ?? throw PlaygroundError.BadRequest($"unknown action '{action}'; known: {string.Join(", ", model.GlobalActions.Select(a => a.Name))}");
            return (named.Dx, named.Dy, local);
        }
        if (dx is null || dy is null) throw PlaygroundError.BadRequest("a step needs 'action' (a named global action) or both 'dx' and 'dy'");
        return (dx.Value, dy.Value, local);
    }

    static float Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out var x) && float.IsFinite(x) ? x : throw PlaygroundError.BadRequest($"'{name}' must be a finite number");

    static (RgbImage, string) StartFrom(Playground playground, JsonElement json)
    {
        string? source = null;
        int? index = null;
        foreach (var p in json.EnumerateObject())
        {
            switch (p.Name)
            {
                case "source":
                    source = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw PlaygroundError.BadRequest("'source' must be a string");
                    break;
                case "index":
                    index = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out var i) ? i : throw PlaygroundError.BadRequest("'index' must be an integer");
                    break;
                default: throw PlaygroundError.BadRequest($"unknown field '{p.Name}'; a start image is {{\"source\": ..., \"index\": ...}}");
            }
        }
        if (source is null || index is null) throw PlaygroundError.BadRequest("a start image needs 'source' and 'index'");
        return playground.StartImage(source, index.Value);
    }

    /// <summary>The body as a JSON object (at most 4 KiB); null for an empty body when allowed.</summary>
    static async Task<JsonElement?> ReadJsonAsync(HttpRequest request, bool allowEmpty)
    {
        if (request.ContentLength > MaxJsonBytes) throw PlaygroundError.TooLarge($"request body above {MaxJsonBytes} bytes");
        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxJsonBytes) throw PlaygroundError.TooLarge($"request body above {MaxJsonBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0)
            return allowEmpty ? null : throw PlaygroundError.BadRequest("the request needs a JSON body");
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw PlaygroundError.BadRequest("the request body must be a JSON object");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw PlaygroundError.BadRequest($"malformed JSON: {e.Message}");
        }
    }

    static PlaygroundError? Refusal(Exception e) => e switch
    {
        PlaygroundError p => p,
        ModelBusyException b => PlaygroundError.Busy(b.Message),
        BadHttpRequestException b => new PlaygroundError(b.StatusCode, b.Message),
        GlassException g => PlaygroundError.BadRequest(g.Message),
        _ => null,
    };

    static byte[] PageFile(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"page/{name}")
            ?? throw new InvalidOperationException($"embedded page file {name} is missing from Glass.Web");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
