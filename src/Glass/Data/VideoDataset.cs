namespace Glass.Data;

/// <summary>
/// The videos of one split of a dataset, as the reference resolves them: <c>splitted</c> = subfolders of
/// <c>data_root/train|val|test</c>; <c>flat</c> = subfolders of <c>data_root</c> sorted by name and cut by
/// the split ratios (first int(n r0) train, next int(n r1) val, the rest test). <c>offset</c> and
/// <c>max_num_videos</c> then keep <c>entries[offset : offset + max]</c> of the sorted folder listing.
/// </summary>
public sealed class VideoDataset
{
    public static readonly string[] SplitNames = ["train", "val", "test"];

    public string Root { get; }
    public string Split { get; }
    public IReadOnlyList<VideoFolder> Videos { get; }

    public VideoDataset(string root, string split, IReadOnlyList<VideoFolder> videos)
    {
        Root = root; Split = split; Videos = videos;
    }

    /// <summary>True when every video has masks.</summary>
    public bool HasMasks => Videos.Count > 0 && Videos.All(v => v.HasMasks);

    /// <summary>Normalizes "validation" to "val"; throws for anything else than train/val/test.</summary>
    public static string NormalizeSplit(string split) => split.ToLowerInvariant() switch
    {
        "train" => "train",
        "val" or "validation" => "val",
        "test" => "test",
        _ => throw new GlassException($"unknown split '{split}' (expected train, val or test)"),
    };

    /// <summary>Opens a split. <paramref name="style"/> is "splitted" or "flat" (data.dataset_style).</summary>
    public static VideoDataset Open(string root, string split, string style = "splitted", int? offset = null, int? maxNumVideos = null, double[]? splitRatios = null)
    {
        split = NormalizeSplit(split);
        if (string.IsNullOrWhiteSpace(root)) throw new GlassException("data.data_root: empty; set it to the dataset folder");
        if (!Directory.Exists(root)) throw new GlassException($"{root}: dataset folder not found (data.data_root)");
        if (offset is < 0) throw new GlassException($"data.offset: {offset} must be >= 0");
        if (maxNumVideos is < 0) throw new GlassException($"data.max_num_videos: {maxNumVideos} must be >= 0");

        string dir;
        HashSet<string>? allowed = null;
        switch (style)
        {
            case "splitted":
                dir = Path.Combine(root, split);
                if (!Directory.Exists(dir))
                    throw new GlassException($"{dir}: split folder not found; a 'splitted' dataset has train/, val/ and test/ (or set data.dataset_style: flat)");
                break;
            case "flat":
                dir = root;
                var ratios = splitRatios ?? [0.8, 0.1, 0.1];
                if (ratios.Length != 3 || ratios.Any(r => r < 0 || double.IsNaN(r)) || ratios[0] + ratios[1] > 1 + 1e-9)
                    throw new GlassException($"data.split_ratios: [{string.Join(", ", ratios)}] must be three non-negative fractions with train + val <= 1");
                var contents = SortedEntries(root);
                int nTrain = (int)(contents.Length * ratios[0]), nVal = (int)(contents.Length * ratios[1]);
                var part = split switch
                {
                    "train" => contents[..nTrain],
                    "val" => contents[nTrain..(nTrain + nVal)],
                    _ => contents[(nTrain + nVal)..],
                };
                allowed = new HashSet<string>(part, StringComparer.Ordinal);
                break;
            default:
                throw new GlassException($"data.dataset_style: unknown value '{style}' (expected splitted or flat)");
        }

        var entries = SortedEntries(dir);
        int start = Math.Min(offset ?? 0, entries.Length);
        int end = maxNumVideos is { } max ? (int)Math.Min((long)start + max, entries.Length) : entries.Length;
        var videos = new List<VideoFolder>();
        foreach (var name in entries[start..end])
        {
            var path = Path.Combine(dir, name);
            if (!Directory.Exists(path) || (allowed is not null && !allowed.Contains(name))) continue;
            // Folders being written by a generator or importer are skipped, never read half-done.
            if (name.StartsWith('.') || name.Contains(".tmp-", StringComparison.Ordinal)) continue;
            videos.Add(VideoFolder.Open(path));
        }
        if (videos.Count == 0) throw new GlassException($"{dir}: no videos in split '{split}'");
        return new VideoDataset(root, split, videos);
    }

    /// <summary>Directory entries sorted by ordinal name (like Python's sorted(os.listdir)).</summary>
    static string[] SortedEntries(string dir)
    {
        var names = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Select(n => n!).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }
}
