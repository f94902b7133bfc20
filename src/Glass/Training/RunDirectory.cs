using System.Text.RegularExpressions;

namespace Glass.Training;

/// <summary>
/// The folder of one training run, `runs/NAME/`: `config.yaml`, `scalars.jsonl`, `tensorboard/`,
/// `media/step_NNNNNNN.png`, `checkpoints/step_NNNNNNN.glass` and `checkpoints/latest.glass`.
/// </summary>
public sealed partial class RunDirectory
{
    public string Path { get; }
    public string CheckpointsPath => System.IO.Path.Combine(Path, "checkpoints");
    public string LatestCheckpoint => System.IO.Path.Combine(CheckpointsPath, "latest.glass");

    public RunDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(CheckpointsPath);
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "media"));
    }

    public string CheckpointPath(long step) => System.IO.Path.Combine(CheckpointsPath, $"step_{step:D7}.glass");
    public string MediaPath(long step) => System.IO.Path.Combine(Path, "media", $"step_{step:D7}.png");

    /// <summary>Makes `latest.glass` a copy of the given checkpoint, atomically.</summary>
    public void MarkLatest(string checkpoint)
    {
        var tmp = LatestCheckpoint + $".tmp-{Environment.ProcessId}";
        File.Copy(checkpoint, tmp, overwrite: true);
        File.Move(tmp, LatestCheckpoint, overwrite: true);
    }

    /// <summary>Keeps the newest `keep` step checkpoints (latest.glass is separate).</summary>
    public void PruneCheckpoints(int keep)
    {
        var steps = Directory.GetFiles(CheckpointsPath, "step_*.glass").Order(StringComparer.Ordinal).ToList();
        foreach (var old in steps.Take(Math.Max(0, steps.Count - keep))) File.Delete(old);
    }

    /// <summary>Leftovers of writes interrupted by a crash; harmless, removed at start.</summary>
    public void RemoveStaleTemporaries()
    {
        foreach (var f in Directory.GetFiles(CheckpointsPath).Where(f => TempPattern().IsMatch(f))) File.Delete(f);
    }

    [GeneratedRegex(@"\.tmp-\d+$")]
    private static partial Regex TempPattern();
}
