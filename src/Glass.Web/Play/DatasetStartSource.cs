using System.Collections.Concurrent;
using Glass.Config;
using Glass.Data;
using Glass.IO;

namespace Glass.Web.Play;

/// <summary>First frames of the test split of a dataset folder, cropped and resized as the model's config says.</summary>
public sealed class DatasetStartSource : IStartImageSource
{
    readonly VideoDataset dataset;
    readonly FrameTransform transform;
    readonly ConcurrentDictionary<int, RgbImage> cache = new();

    public DatasetStartSource(string root, DataConfig data)
    {
        dataset = VideoDataset.Open(root, "test", data.DatasetStyle, splitRatios: data.SplitRatios);
        if (dataset.Videos.Count == 0) throw new GlassException($"{root}: the test split has no videos; give a dataset folder with a test split") { Input = GlassInput.Data };
        transform = new FrameTransform(data.Crop, data.InputSize[0], data.InputSize[1]);
    }

    public string Key => "dataset";
    public string Title => $"Test split of {Path.GetFileName(Path.TrimEndingDirectorySeparator(dataset.Root))} ({dataset.Videos.Count} videos)";
    public int Count => dataset.Videos.Count;
    public string Label(int index) => dataset.Videos[index].Name;
    public RgbImage Load(int index) => cache.GetOrAdd(index, i => transform.Apply(ImageIO.ReadRgb(dataset.Videos[i].FramePath(0))));
}
