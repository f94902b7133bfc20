using System.Collections.Concurrent;
using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>
/// The moving W-Sprites background: the image is enlarged by 25 px (Lanczos, as the reference's
/// ANTIALIAS), cropped back to its own size at the walk's offset (0..24, 0..24) and resized to 128 × 96.
/// The 625 possible frames are made once and shared by all videos and threads.
/// </summary>
public sealed class BackgroundScroller
{
    readonly RgbImage _enlarged;
    readonly int _width, _height;
    readonly ConcurrentDictionary<(int, int), RgbImage> _frames = new();
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RgbImage, BackgroundScroller> Shared = new();

    /// <summary>The scroller of a background image, shared while the image is alive (its frames are made once per run or test).</summary>
    public static BackgroundScroller For(RgbImage background) => Shared.GetValue(background, b => new BackgroundScroller(b));

    public BackgroundScroller(RgbImage background)
    {
        _width = background.Width;
        _height = background.Height;
        int pad = WSpritesScript.BackgroundPad;
        _enlarged = new RgbImage(_width + pad, _height + pad,
            Resampler.Resize(background.Pixels, _width, _height, 3, _width + pad, _height + pad, ResampleFilter.Lanczos));
    }

    /// <summary>The 128 × 96 background at crop offset (x, y).</summary>
    public RgbImage Frame(int x, int y) => _frames.GetOrAdd((x, y), key =>
    {
        var cropped = new FrameTransform([key.Item1, key.Item2, key.Item1 + _width, key.Item2 + _height], _width, _height).Apply(_enlarged);
        // Lanczos like the enlargement (FrameTransform's bilinear is the dataset-input resize).
        return new RgbImage(WSpritesScript.FrameWidth, WSpritesScript.FrameHeight,
            Resampler.Resize(cropped.Pixels, _width, _height, 3, WSpritesScript.FrameWidth, WSpritesScript.FrameHeight, ResampleFilter.Lanczos));
    });

    /// <summary>
    /// Our units for a crop-offset change (dx, dy): the content moves the other way by dx·128/W px and
    /// dy·96/H px, i.e. (-2 dx / W, -2 dy / H) in normalized units.
    /// </summary>
    public (float Dx, float Dy) ShiftOf(int dx, int dy) => (-2f * dx / _width, -2f * dy / _height);
}
