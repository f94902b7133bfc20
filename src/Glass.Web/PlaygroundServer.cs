using System.Net;
using Glass.Web.Play;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Glass.Web;

/// <summary>The playground's web server (Kestrel) over a <see cref="Playground"/>. Start, read <see cref="Address"/>, dispose to stop.</summary>
public sealed class PlaygroundServer : IAsyncDisposable
{
    readonly WebApplication app;

    public Playground Playground { get; }
    /// <summary>The address the server listens on (the real port when 0 was asked for).</summary>
    public Uri Address { get; }
    /// <summary>False when the server can be reached from other machines (the CLI warns then).</summary>
    public bool IsLoopback { get; }

    PlaygroundServer(WebApplication app, Playground playground, Uri address, bool isLoopback)
    {
        this.app = app;
        Playground = playground;
        Address = address;
        IsLoopback = isLoopback;
    }

    /// <summary>Binds <c>options.Host:options.Port</c> and starts serving. The server owns <paramref name="playground"/> (also when starting fails).</summary>
    public static async Task<PlaygroundServer> StartAsync(Playground playground, CancellationToken token = default)
    {
        try
        {
            return await StartServerAsync(playground, token);
        }
        catch
        {
            await playground.DisposeAsync();
            throw;
        }
    }

    static async Task<PlaygroundServer> StartServerAsync(Playground playground, CancellationToken token)
    {
        var options = playground.Options;
        var ip = ParseHost(options.Host);
        if (options.Port is < 0 or > 65535) throw new GlassException($"{options.Port} is not a TCP port (0..65535; 0 picks a free one)") { Input = GlassInput.Port };
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // Start-up failures become one GlassException line; bad clients are answered, not logged.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(ip, options.Port);
            k.AddServerHeader = false;
            // Uploads are the largest bodies; JSON bodies have their own small cap in the handlers.
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes + 1;
            k.Limits.MaxConcurrentConnections = 512;
        });
        builder.Services.AddSingleton(playground);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        var app = builder.Build();
        PlaygroundApi.Map(app, playground);
        try
        {
            await app.StartAsync(token);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new GlassException($"cannot listen on {options.Host}:{options.Port} ({e.Message}); pick another port or stop the other server") { Input = GlassInput.Port };
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var address = new Uri(bound.Replace("[::]", "localhost").Replace("0.0.0.0", "localhost") + "/");
        return new PlaygroundServer(app, playground, address, IPAddress.IsLoopback(ip));
    }

    static IPAddress ParseHost(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        if (IPAddress.TryParse(host, out var ip)) return ip;
        throw new GlassException($"'{host}' is not an IP address; use 127.0.0.1 (default, this machine only), localhost, or an interface address such as 0.0.0.0") { Input = GlassInput.Host };
    }

    /// <summary>Runs until <paramref name="token"/> is cancelled or the host is asked to stop (ASP.NET's console lifetime takes Ctrl-C and SIGTERM).</summary>
    public async Task WaitAsync(CancellationToken token)
    {
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token, lifetime.ApplicationStopping);
        try { await Task.Delay(Timeout.Infinite, stop.Token); }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await Playground.DisposeAsync();
    }
}
