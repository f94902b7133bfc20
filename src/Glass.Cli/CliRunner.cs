using System.CommandLine;
using Glass.Runtime;

namespace Glass.Cli;

/// <summary>Runs a command body with the project's error policy: user errors are one line on
/// stderr and a non-zero exit code, never a stack trace; Ctrl-C is passed to the body as a token.</summary>
public static class CliRunner
{
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, int> body) =>
        command.SetAction((ParseResult result, CancellationToken token) => Task.FromResult(Run(() => body(result, token))));

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (UserMessage(e) is { } message)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"error: {message}");
            return 1;
        }
    }

    /// <summary>The one-line message for errors a user can fix; null for bugs (which keep their trace).</summary>
    public static string? UserMessage(Exception e) => e switch
    {
        GlassException g => Described(g),
        FileNotFoundException f => $"file not found: {f.FileName ?? f.Message}",
        DirectoryNotFoundException d => d.Message,
        UnauthorizedAccessException u => $"permission denied: {u.Message}",
        IOException io => io.Message,
        OperationCanceledException => "cancelled",
        AggregateException { InnerExceptions.Count: 1 } a => UserMessage(a.InnerExceptions[0]),
        _ => null,
    };

    /// <summary>"--option: message" when the error is about one input, then how to give an input left out that settles it.</summary>
    static string Described(GlassException g)
    {
        var message = g.Input is { } input ? $"{Option(input)}: {g.Message}" : g.Message;
        return g.Remedy is { } remedy ? $"{message}; {Remedy(remedy)}" : message;
    }

    /// <summary>What to pass for an input the library says was left out (<see cref="GlassException.Remedy"/>).</summary>
    public static string Remedy(GlassInput input) => input switch
    {
        GlassInput.Force => $"pass {Option(input)} to overwrite it",
        GlassInput.LpipsBackbone => $"pass {Option(input)} FILE",
        _ => $"pass {Option(input)}",
    };

    /// <summary>The option that gives an input the library names in an error (the library never names flags).</summary>
    public static string Option(GlassInput input) => input switch
    {
        GlassInput.Checkpoint => "--checkpoint",
        GlassInput.Config => "--config",
        GlassInput.Frames => "--frames",
        GlassInput.BatchSize => "--batch-size",
        GlassInput.MaxClips => "--max-clips",
        GlassInput.LpipsWeights => "--lpips",
        GlassInput.Device => "--device",
        GlassInput.Threads => "--threads",
        GlassInput.Data => "--data",
        GlassInput.Output => "--out",
        GlassInput.Resume => "--resume",
        GlassInput.Init => "--init",
        GlassInput.VggWeights => "--vgg-weights",
        GlassInput.Sprites => "--sprites",
        GlassInput.Background => "--background",
        GlassInput.Videos => "--videos",
        GlassInput.Size => "--size",
        GlassInput.Fps => "--fps",
        GlassInput.Split => "--split",
        GlassInput.Identities => "--identities",
        GlassInput.VideosPerIdentity => "--videos-per-identity",
        GlassInput.Actions => "--actions",
        GlassInput.Scale => "--scale",
        GlassInput.Force => "--force",
        GlassInput.LpipsBackbone => "--lpips-backbone",
        GlassInput.Port => "--port",
        GlassInput.Host => "--host",
        GlassInput.GenerationMode => "--generation",
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "no option for this input"),
    };
}
