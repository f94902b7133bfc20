using Glass.Config;
using Glass.IO;
using static TorchSharp.torch;

namespace Glass.Data;

/// <summary>One clip given as a folder of numbered frames, read the way the model expects it.</summary>
public static class ClipFrames
{
    /// <summary>
    /// Reads a folder of frames <c>00000.png, 00001.png, …</c> as the model expects them: each frame is
    /// cropped by <c>data.crop</c> and resized to <c>data.input_size</c>. Returns (1, T, 3, H, W) in [-1, 1].
    /// A missing folder, a gap in the numbering, a damaged image, frames of different sizes or a crop
    /// outside the frame is a GlassException naming the file.
    /// </summary>
    public static Tensor Read(string folder, DataConfig data, Device device)
    {
        if (File.Exists(folder)) throw new GlassException($"{folder}: is a file; give a folder of frames 00000.png, 00001.png, ...") { Input = GlassInput.Frames };
        if (!Directory.Exists(folder)) throw new GlassException($"{folder}: frame folder not found");
        VideoFolder video;
        try
        {
            video = VideoFolder.Open(folder);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new GlassException($"{folder}: cannot read the frame folder ({e.Message})", e);
        }
        if (video.FrameCount < 2)
            throw new GlassException($"{folder}: holds {video.FrameCount} frame; the analysis needs at least 2 (00000.png, 00001.png, ...)");

        var transform = new FrameTransform(data.Crop, data.InputSize[0], data.InputSize[1]);
        using var scope = NewDisposeScope();
        var tensors = new List<Tensor>(video.FrameCount);
        int width = 0, height = 0;
        for (int i = 0; i < video.FrameCount; i++)
        {
            var path = video.FramePath(i);
            var image = ImageIO.ReadRgb(path);
            if (i == 0)
            {
                (width, height) = (image.Width, image.Height);
                var c = data.Crop;
                if (c[2] > width || c[3] > height)
                    throw new GlassException($"{path}: frames are {width}x{height} but data.crop [{string.Join(", ", c)}] reaches outside them; use a config whose crop fits the frames");
            }
            else if (image.Width != width || image.Height != height)
                throw new GlassException($"{path}: is {image.Width}x{image.Height} but {Path.GetFileName(video.FramePath(0))} is {width}x{height}; all frames of a clip must have the same size");
            tensors.Add(ImageIO.ToTensor(transform.Apply(image)));
        }
        return stack(tensors).unsqueeze(0).to(device).MoveToOuterDisposeScope();
    }
}
