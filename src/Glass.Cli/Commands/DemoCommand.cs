using System.CommandLine;
using Glass.Generation;

namespace Glass.Cli.Commands;

/// <summary>`glass demo`: the README's main command; no data and no download needed.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var model = new AnimatorOptions(ShippedCheckpoint.Default);
        var output = new Option<string>("--out") { Description = "Folder for the demo's files (its own files there are replaced)", DefaultValueFactory = _ => "demo-output" };
        var characters = new Option<int>("--characters") { Description = "How many built-in characters to draw (matrix rows)", DefaultValueFactory = _ => 3 };
        var frames = new Option<int>("--frames") { Description = "Frames per matrix cell, the start included", DefaultValueFactory = _ => 8 };
        var scale = new Option<int?>("--scale") { Description = "Enlarge frames N times (default: to about 192 px wide)" };
        var command = new Command("demo", "Draw built-in characters, animate them with the shipped CPU model: global and local action matrices and a short video.");
        model.AddTo(command, outputOptions: false);
        foreach (var o in new Option[] { output, characters, frames, scale }) command.Options.Add(o);
        command.SetGuardedAction((result, _) =>
        {
            var checkpoint = ShippedCheckpoint.Resolve(result.GetValue(model.Checkpoint)!);
            using var animator = model.Load(result, checkpoint);
            Console.Error.WriteLine($"demo: {checkpoint} ({animator.Config.Name}, {animator.Width}x{animator.Height}, {animator.NumLocalActions} local actions) on {animator.Device.type}");
            var outputs = Demo.Run(animator, result.GetValue(output)!, result.GetValue(characters), result.GetValue(frames), result.GetValue(scale),
                line => Console.Error.WriteLine($"demo: {line}"));
            Console.WriteLine($"starting images:     {outputs.StartImages}");
            Console.WriteLine($"global action matrix: {outputs.GlobalMatrix}  (rows = characters; columns = right, left, down, up, stay)");
            Console.WriteLine($"                      {outputs.GlobalStrip}");
            Console.WriteLine($"local action matrix:  {outputs.LocalMatrix}  (columns = the model's local actions 0..{animator.NumLocalActions - 1})");
            Console.WriteLine($"                      {outputs.LocalStrip}");
            Console.WriteLine($"generated video:      {outputs.Video}{(outputs.VideoMp4 is null ? "" : $"\n                      {outputs.VideoMp4}")}");
            Console.WriteLine($"done in {outputs.Elapsed.TotalSeconds:F1} s");
            return 0;
        });
        return command;
    }
}
