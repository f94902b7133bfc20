using System.CommandLine;
using Glass.Generation;

namespace Glass.Cli.Commands;

/// <summary>`glass matrix`: the paper's action matrices (rows = images, columns = actions).</summary>
public static class MatrixCommand
{
    public static Command Create()
    {
        var model = new AnimatorOptions();
        var images = new Option<string[]>("--images") { Description = "Starting images, one matrix row each", Required = true, AllowMultipleArgumentsPerToken = true };
        var kind = new Option<string>("--kind") { Description = "global: one column per named global action; local: one column per learned local action", Required = true };
        kind.AcceptOnlyFromAmong("global", "local");
        var frames = new Option<int>("--frames") { Description = "Frames per cell, the starting image included", DefaultValueFactory = _ => 8 };
        var local = new Option<int>("--local-action") { Description = "For --kind global: the local action of every column", DefaultValueFactory = _ => 0 };
        var global = new Option<string?>("--global-action") { Description = "For --kind local: the global action of every column (default: no shift)" };
        var output = new Option<string>("--out") { Description = "FILE.gif or FILE.mp4 (the animation); a PNG strip is written beside it as FILE.png", Required = true };
        var command = new Command("matrix", "Action matrices: each starting image (rows) animated with each action (columns); animated GIF/MP4 and a PNG strip.");
        model.AddTo(command);
        foreach (var o in new Option[] { images, kind, frames, local, global, output }) command.Options.Add(o);
        command.SetGuardedAction((result, _) =>
        {
            var outPath = result.GetValue(output)!;
            var options = model.Output(result);
            ActionMatrix.CheckOutputs(outPath, options);
            var matrixKind = result.GetValue(kind) == "local" ? ActionMatrixKind.Local : ActionMatrixKind.Global;

            using var animator = model.Load(result);
            using var starts = animator.ReadImages(result.GetValue(images)!);
            var matrix = ActionMatrix.Build(animator, starts, matrixKind, result.GetValue(frames), result.GetValue(local), result.GetValue(global),
                AnimatorOptions.Progress("matrix"));
            var (path, strip) = matrix.Write(outPath, options);
            Console.WriteLine($"wrote {path}: {matrix.Rows} rows (images) x {matrix.Columns.Count} columns ({matrix.ColumnLabels}), {matrix.Frames} frames");
            Console.WriteLine($"wrote {strip}: one line per (image, action), frames left to right");
            return 0;
        });
        return command;
    }
}
