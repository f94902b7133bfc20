using System.CommandLine;
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
        foreach (var o in new Option[] { image, actions, output, showMasks }) command.Options.Add(o);
        command.SetGuardedAction((result, _) =>
        {
            var outPath = result.GetValue(output)!;
            var options = model.Output(result);
            AnimationWriter.Check(outPath, options); // fail before the model runs
            using var animator = model.Load(result);
            var spec = animator.ParseActions(result.GetValue(actions)!);
            using var start = animator.ReadImage(result.GetValue(image)!).unsqueeze(0);
            using var clip = animator.Play(start, spec.Steps, progress: AnimatorOptions.Progress("generate"));
            var (path, width, height) = clip.Write(outPath, options, result.GetValue(showMasks));
            Console.WriteLine($"wrote {path}: {clip.Length} frames (the start and {spec.Count} steps: {spec}), {width * options.Scale}x{height * options.Scale}");
            return 0;
        });
        return command;
    }
}
