using System.CommandLine;
using Glass.Generation;
using Glass.IO;

namespace Glass.Cli.Commands;

/// <summary>`glass generate`: animate one image with a SPEC of global and local actions.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = new AnimatorOptions();
        var image = new Option<string>("--image") { Description = "Starting image (PNG/JPEG, any size: cropped and resized as the config's data section says)", Required = true };
        var actions = new Option<string>("--actions")
        {
            Description = "Actions, e.g. \"right*4:2 stay*6:5 up*3:0\" (GLOBAL[*COUNT][:LOCAL]; GLOBAL = a name or dx,dy), or a file of them; see docs/generation.md",
            Required = true,
        };
        var output = new Option<string>("--out") { Description = "Output: FILE.gif, FILE.mp4, or a folder for PNG frames", Required = true };
        var showMasks = new Option<bool>("--show-masks") { Description = "Also show foregrounds and masks (beside each frame; subfolders for PNG frames)" };
        var command = new Command("generate", "Animate an image with global and local actions.");
        model.AddTo(command);
        command.Options.Add(image);
        command.Options.Add(actions);
        command.Options.Add(output);
        command.Options.Add(showMasks);
        command.SetGuardedAction((result, _) =>
        {
            var outPath = result.GetValue(output)!;
            var options = model.Output(result);
            var format = AnimationWriter.Check(outPath, options); // fail before the model runs
            using var animator = model.Load(result);
            var spec = animator.ParseActions(result.GetValue(actions)!);
            using var start = animator.ReadImage(result.GetValue(image)!).unsqueeze(0);
            using var clip = animator.Play(start, spec.Steps, progress: AnimatorOptions.Progress("generate"));

            var frames = FrameLayout.FromBatch(clip.Frames[0]);
            IReadOnlyList<RgbImage> written = frames;
            Dictionary<string, IReadOnlyList<RgbImage>>? extras = null;
            if (result.GetValue(showMasks))
            {
                var foregrounds = FrameLayout.FromBatch(clip.Foregrounds[0]);
                var masks = FrameLayout.FromBatch(clip.Masks[0], isMask: true);
                if (format == AnimationFormat.PngFolder)
                    extras = new() { ["foregrounds"] = foregrounds, ["masks"] = masks };
                else
                    written = frames.Select((f, t) => FrameLayout.Beside([f, foregrounds[t], masks[t]], ActionMatrix.Gap, (255, 255, 255))).ToList();
            }
            var path = AnimationWriter.Write(outPath, written, options, extras);
            Console.WriteLine($"wrote {path}: {frames.Length} frames (the start and {spec.Count} steps: {spec}), {written[0].Width * options.Scale}x{written[0].Height * options.Scale}");
            return 0;
        });
        return command;
    }
}
