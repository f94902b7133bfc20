using System.Diagnostics;
using Glass.Data.WSprites;
using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Generation;

/// <summary>
/// The one-command demo: draws a few built-in W-Sprites characters (no data needed), animates them
/// with a trained model and writes the global and local action matrices and a short generated video.
/// </summary>
public static class Demo
{
    /// <summary>Identities drawn as starting images (spread over the 1296 built-in ones).</summary>
    public static readonly int[] Identities = [7, 533, 1090];

    /// <summary>The generated video's actions; local ids are taken modulo the model's K.</summary>
    public const string VideoActions = "right*6:0 stay*4:1 left*6:2 down*3:3 up*3:4 stay*4:5";

    /// <summary>The demo's files, in the order they are written.</summary>
    public sealed record Outputs(string StartImages, string GlobalMatrix, string GlobalStrip, string LocalMatrix, string LocalStrip,
        string Video, string? VideoMp4, TimeSpan Elapsed);

    /// <summary>Starting pictures: each character standing in the middle of its walk range and of the built-in
    /// background (<see cref="WSpritesScript.StandingAtCentre"/>), at W-Sprites' 128x96.</summary>
    public static List<RgbImage> DrawStartImages(int count)
    {
        if (count < 1 || count > Identities.Length) throw new GlassException($"the demo draws 1..{Identities.Length} characters, not {count}");
        var library = new BuiltinCharacterLibrary();
        var background = new BackgroundScroller(library.Background);
        return Identities.Take(count).Select(identity =>
            WSpritesRenderer.Render(library.Character(identity), background, WSpritesScript.StandingAtCentre).Frame).ToList();
    }

    /// <summary>Nearest-neighbour scale that makes frames about 192 px wide (at least 1).</summary>
    public static int AutoScale(int width) => Math.Max(1, (int)Math.Round(192.0 / width));

    /// <summary>Writes everything into <paramref name="outDir"/> (replacing the demo's own files there).</summary>
    public static Outputs Run(Animator animator, string outDir, int characters = 3, int frames = 8, int? scale = null,
        Action<string>? log = null)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var s = scale ?? AutoScale(animator.Width);
        var options = new AnimationOptions(Fps: 8, Scale: s, Force: true);
        string PathOf(string name) => Path.GetFullPath(Path.Combine(outDir, name));

        var pictures = DrawStartImages(characters);
        using var starts = torch.stack(pictures.Select(animator.PrepareImage));
        var startsPath = PathOf("start-images.png");
        ImageIO.WritePng(startsPath, FrameLayout.Beside(FrameLayout.FromBatch(starts), ActionMatrix.Gap, (255, 255, 255)).ScaleNearest(s));
        log?.Invoke($"drew {characters} characters -> {startsPath}");

        (string Gif, string Png) Matrix(ActionMatrixKind kind, string name)
        {
            var matrix = ActionMatrix.Build(animator, starts, kind, frames);
            var written = matrix.Write(PathOf($"{name}.gif"), options);
            log?.Invoke($"{name}: {matrix.Rows} rows x {matrix.Columns.Count} columns ({matrix.ColumnLabels}), {matrix.Frames} frames");
            return written;
        }
        var global = Matrix(ActionMatrixKind.Global, "global-matrix");
        var local = Matrix(ActionMatrixKind.Local, "local-matrix");

        var spec = ActionSpec.Parse(VideoActions, animator.GlobalActions, int.MaxValue, "demo actions");
        var steps = spec.Steps.Select(a => a with { LocalAction = a.LocalAction % animator.NumLocalActions }).ToList();
        using var clip = animator.Play(starts.narrow(0, 0, 1), steps);
        var videoFrames = FrameLayout.FromBatch(clip.Frames[0]);
        var video = AnimationWriter.Write(PathOf("video.gif"), videoFrames, options);
        string? mp4 = null;
        if (FfmpegVideo.IsAvailable) mp4 = AnimationWriter.Write(PathOf("video.mp4"), videoFrames, options);
        log?.Invoke($"video: {videoFrames.Length} frames ({string.Join(" ", steps.Select(a => a.ToString()).Distinct())})");
        return new Outputs(startsPath, global.Gif, global.Png, local.Gif, local.Png, video, mp4, clock.Elapsed);
    }
}
