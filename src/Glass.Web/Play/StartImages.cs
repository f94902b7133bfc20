using Glass.IO;

namespace Glass.Web.Play;

/// <summary>A list of starting images the page offers (built-in characters, a dataset's test split).</summary>
public interface IStartImageSource
{
    /// <summary>URL-safe key: "character", "dataset".</summary>
    string Key { get; }
    /// <summary>Heading on the page.</summary>
    string Title { get; }
    int Count { get; }
    string Label(int index);
    /// <summary>The image at the model's frame size.</summary>
    RgbImage Load(int index);
}

/// <summary>A fixed list of images already at the model's frame size.</summary>
public sealed class ImageListSource(string key, string title, IReadOnlyList<(string Label, RgbImage Image)> items) : IStartImageSource
{
    public string Key => key;
    public string Title => title;
    public int Count => items.Count;
    public string Label(int index) => items[index].Label;
    public RgbImage Load(int index) => items[index].Image;
}
