using System.CommandLine;
using Glass.Data;

namespace Glass.Cli.Commands.Data;

/// <summary>`glass data info`: check a dataset and print its splits.</summary>
public static class DatasetInfoCommand
{
    public static Command Create()
    {
        var data = new Argument<string>("dir") { Description = "Dataset folder" };
        var style = new Option<string>("--style") { Description = "splitted or flat", DefaultValueFactory = _ => "splitted" };
        var command = new Command("info", "Check a dataset and print its splits, videos, frames and ground truth.");
        command.Arguments.Add(data);
        command.Options.Add(style);
        command.SetGuardedAction((result, _) =>
        {
            foreach (var split in VideoDataset.SplitNames)
            {
                VideoDataset ds;
                try { ds = VideoDataset.Open(result.GetValue(data)!, split, result.GetValue(style)!); }
                catch (GlassException e) when (e.Message.Contains("no videos in split", StringComparison.Ordinal))
                {
                    Console.WriteLine($"{split,-5}: no videos");
                    continue;
                }
                var frames = ds.Videos.Select(v => v.FrameCount).ToArray();
                var identities = ds.Videos.Select(v => v.Identity).Where(i => i >= 0).Distinct().Count();
                var meta = ds.Videos.Count(v => v.Metadata is not null);
                Console.WriteLine($"{split,-5}: {ds.Videos.Count} videos, {frames.Sum()} frames ({frames.Min()}..{frames.Max()} per video), " +
                                  $"{identities} identities, masks: {(ds.HasMasks ? "yes" : "no")}, metadata: {meta}/{ds.Videos.Count}");
            }
            return 0;
        });
        return command;
    }
}
