using System.CommandLine;
using Glass.Generation;
using Glass.IO;
using TorchSharp;

namespace Glass.Cli.Commands;

/// <summary>`glass transfer`: motion transfer from a source clip onto another starting image.</summary>
public static class TransferCommand
{
    public static Command Create()
    {
        var model = new AnimatorOptions();
        var source = new Option<string>("--source") { Description = "Source clip: a folder of frames (00000.png, ...) or a video file (read with ffmpeg)", Required = true };
        var image = new Option<string>("--image") { Description = "Starting image to animate with the source's motion", Required = true };
        var output = new Option<string>("--out") { Description = "Output: FILE.gif, FILE.mp4, or a folder for PNG frames (source | generated side by side)", Required = true };
        var maxFrames = new Option<int>("--max-frames") { Description = "Use at most this many source frames", DefaultValueFactory = _ => 120 };
        var withBackground = new Option<bool>("--with-background") { Description = "Also move the background as the source's background moves" };
        var command = new Command("transfer", "Motion transfer: read the global and local actions of a source clip and replay them from another image.");
        model.AddTo(command);
        foreach (var o in new Option[] { source, image, output, maxFrames, withBackground }) command.Options.Add(o);
        command.SetGuardedAction((result, _) =>
        {
            var outPath = result.GetValue(output)!;
            var options = model.Output(result);
            AnimationWriter.Check(outPath, options);
            var limit = result.GetValue(maxFrames);
            if (limit < 2) throw new GlassException($"--max-frames {limit}: a clip needs at least 2 frames");

            using var animator = model.Load(result);
            using var clip = SourceClip.Read(result.GetValue(source)!, animator.Transform, limit);
            var actions = MotionTransfer.InferActions(animator, clip, AnimatorOptions.Progress("reading source"));
            using var target = animator.ReadImage(result.GetValue(image)!);
            using var generated = MotionTransfer.Replay(animator, actions, target, result.GetValue(withBackground), AnimatorOptions.Progress("generating"));
            var frames = MotionTransfer.SideBySide(clip, generated.Frames[0]);
            var path = AnimationWriter.Write(outPath, frames, options);
            var ids = string.Join(" ", actions.LocalActionIds);
            Console.WriteLine($"wrote {path}: {frames.Count} frames, source | generated; local actions read: {ids}");
            return 0;
        });
        return command;
    }
}
