using System.ComponentModel.DataAnnotations;

namespace Glass.Config;

/// <summary>`data:` — where the videos are and how frames are cropped and resized.</summary>
public sealed class DataConfig
{
    /// <summary>Folder holding the videos (the reference's `data_root`).</summary>
    public string DataRoot { get; set; } = "";

    /// <summary>"splitted" (train/val/test subfolders, as the reference) or "flat" (one folder, split by <see cref="SplitRatios"/>).</summary>
    public string DatasetStyle { get; set; } = "splitted";

    /// <summary>Crop applied to every frame before resizing: (left, upper, right, lower) in pixels.</summary>
    [Length(4, 4)]
    public int[] Crop { get; set; } = [0, 0, 128, 96];

    /// <summary>Frame size the model sees: (width, height).</summary>
    [Length(2, 2)]
    public int[] InputSize { get; set; } = [128, 96];

    /// <summary>Skip this many videos (in sorted order) at the start of each split, as the reference.</summary>
    public int? Offset { get; set; }

    /// <summary>Optional cap on the number of videos read.</summary>
    public int? MaxNumVideos { get; set; }

    /// <summary>Ours: train/val/test fractions for the "flat" dataset style.</summary>
    [Length(3, 3)]
    public double[] SplitRatios { get; set; } = [0.8, 0.1, 0.1];
}
