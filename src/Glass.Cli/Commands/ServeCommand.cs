using System.CommandLine;
using Glass.Checkpoints;
using Glass.Web;

namespace Glass.Cli.Commands;

/// <summary>`glass serve`: the browser playground over a trained checkpoint.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Play a trained model live in the browser (the playground).");
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint to play: ours (.glass, carries its config) or the reference's PyTorch one (with --config)", Required = true };
        var configOption = new Option<string?>("--config") { Description = "YAML config; required for a PyTorch checkpoint, optional for ours (must describe the same model)" };
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one)", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to bind; other than loopback makes the playground reachable from other machines (no authentication)", DefaultValueFactory = _ => "127.0.0.1" };
        var data = new Option<string?>("--data") { Description = "Dataset folder whose test split offers starting images" };
        var sprites = new Option<string?>("--sprites") { Description = "LPC sprite folder (as ../shared/wsprites) for the character starting images; default: the built-in drawings" };
        var characters = new Option<int>("--characters") { Description = "How many characters to offer", DefaultValueFactory = _ => 24 };
        var fps = new Option<double>("--fps") { Description = "Steps per second while a key is held", DefaultValueFactory = _ => 12 };
        var maxSessions = new Option<int>("--max-sessions") { Description = "Concurrent sessions (browser tabs)", DefaultValueFactory = _ => 32 };
        var idle = new Option<double>("--idle-minutes") { Description = "Close sessions idle this long", DefaultValueFactory = _ => 10 };
        foreach (var o in new Option[] { checkpoint, configOption, port, host, data, sprites, characters, fps, maxSessions, idle }) command.Options.Add(o);
        var runtime = new RuntimeOptions();
        runtime.AddTo(command);

        command.SetGuardedAction((result, token) =>
        {
            var store = ModelStore.Open(result.GetValue(checkpoint)!, result.GetValue(configOption));
            var options = new PlaygroundOptions
            {
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                FramesPerSecond = result.GetValue(fps) is var f && f is > 0 and <= 60 ? f : throw new GlassException($"--fps {f}: use 1..60"),
                MaxSessions = result.GetValue(maxSessions) is var m && m > 0 ? m : throw new GlassException($"--max-sessions {m}: must be at least 1"),
                SessionIdleTimeout = TimeSpan.FromMinutes(result.GetValue(idle) is var i && i > 0 ? i : throw new GlassException($"--idle-minutes {i}: must be positive")),
            };
            var device = runtime.Apply(result, store.Config);
            Console.Error.WriteLine($"loading {store.CheckpointPath} ...");
            var starts = new StartImageChoice(result.GetValue(sprites), result.GetValue(characters), result.GetValue(data));
            PlaygroundHost.Run(store, device, options, starts, (server, model) =>
            {
                Console.WriteLine($"Glass playground: {server.Address} ({model.Description}); Ctrl-C stops it");
                if (!server.IsLoopback)
                    Console.Error.WriteLine($"warning: listening on {options.Host}, reachable from other machines; the playground has no authentication (use --host 127.0.0.1 to keep it local)");
            }, token);
            return 0;
        });
        return command;
    }
}
