using Glass.Checkpoints;
using Glass.Data.WSprites;
using Glass.Web.Play;
using static TorchSharp.torch;

namespace Glass.Web;

/// <summary>Where the playground's starting images come from: built-in or LPC characters, and optionally the test
/// split of a dataset.</summary>
/// <param name="SpritesDir">LPC sprite folder; null = the built-in drawings</param>
/// <param name="DataRoot">dataset folder whose test split also offers starting images, or null</param>
public sealed record StartImageChoice(string? SpritesDir = null, int Characters = 24, string? DataRoot = null);

/// <summary>Serves a checkpoint in the playground until <paramref name="token"/> is cancelled: loads the model, sets
/// up the starting images, starts the server and releases everything when it stops.</summary>
public static class PlaygroundHost
{
    /// <param name="started">called once the server listens, with it and the model (to say where and what)</param>
    public static void Run(ModelStore store, Device device, PlaygroundOptions options, StartImageChoice starts,
        Action<PlaygroundServer, GlassPlayableModel> started, CancellationToken token)
    {
        var model = GlassPlayableModel.Load(store, device);
        try
        {
            ICharacterLibrary library = starts.SpritesDir is { } dir ? new LpcCharacterLibrary(dir) : new BuiltinCharacterLibrary();
            List<IStartImageSource> sources = [new CharacterStartSource(library, starts.Characters, model.Width, model.Height)];
            if (starts.DataRoot is { } root) sources.Add(new DatasetStartSource(root, model.Config.Data));
            var server = PlaygroundServer.StartAsync(new Playground(model, options, sources), token).GetAwaiter().GetResult();
            try
            {
                started(server, model);
                server.WaitAsync(token).GetAwaiter().GetResult();
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            model.Dispose();
        }
    }
}
