using Glass.Generation;
using Glass.IO;
using Glass.Runtime;
using Glass.Tests.Cli;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Generation;

public class DemoTests
{
    public DemoTests() => TorchRuntime.Initialize();

    static void Ok(CliProcess.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}\n{r.StdOut}\n{r.StdErr}");

    static int VideoFrames() => ActionSpec.Parse(Demo.VideoActions, new Glass.Config.GenerationConfig().Actions, int.MaxValue).Count + 1;

    /// <summary>Checks the demo's folder: every file there, decodable, with the advertised layout.</summary>
    static void AssertDemoOutputs(string dir, int characters, int frames, int width, int height, int localActions, int scale)
    {
        int gap = ActionMatrix.Gap;
        var global = DecodedVideo.DecodeGif(Path.Combine(dir, "global-matrix.gif"));
        Assert.Equal(frames, global.Frames.Count);
        Assert.Equal((scale * (5 * width + 4 * gap), scale * (characters * height + (characters - 1) * gap)), (global.Frames[0].Width, global.Frames[0].Height));
        var local = DecodedVideo.DecodeGif(Path.Combine(dir, "local-matrix.gif"));
        Assert.Equal(frames, local.Frames.Count);
        Assert.Equal(scale * (localActions * width + (localActions - 1) * gap), local.Frames[0].Width);
        Assert.Equal(scale * (frames * width + (frames - 1) * gap), DecodedVideo.DecodePng(Path.Combine(dir, "global-matrix.png")).Width);
        Assert.True(File.Exists(Path.Combine(dir, "local-matrix.png")));
        Assert.Equal(scale * (characters * width + (characters - 1) * gap), DecodedVideo.DecodePng(Path.Combine(dir, "start-images.png")).Width);
        Assert.Equal(VideoFrames(), DecodedVideo.DecodeGif(Path.Combine(dir, "video.gif")).Frames.Count);
        Assert.Equal(VideoFrames(), FfmpegVideo.CountFrames(Path.Combine(dir, "video.mp4")));
    }

    [Fact]
    public void DrawsDistinctBuiltInCharacters()
    {
        var pictures = Demo.DrawStartImages(3);
        Assert.All(pictures, p => Assert.Equal((128, 96), (p.Width, p.Height)));
        Assert.NotEqual(pictures[0].Pixels, pictures[1].Pixels);
        Assert.NotEqual(pictures[1].Pixels, pictures[2].Pixels);
    }

    [Fact]
    public void DemoCommandWritesItsFilesAndPrintsTheirPaths()
    {
        var dir = TestPaths.NewTempDir();
        var checkpoint = TinyGlass.SaveCheckpoint(dir);
        var output = Path.Combine(dir, "demo out");
        var r = CliProcess.Run("demo", "--checkpoint", checkpoint, "--out", output, "--characters", "2", "--frames", "3");
        Ok(r);
        foreach (var name in new[] { "start-images.png", "global-matrix.gif", "global-matrix.png", "local-matrix.gif", "local-matrix.png", "video.gif", "video.mp4" })
            Assert.Contains(Path.Combine(output, name), r.StdOut);
        AssertDemoOutputs(output, characters: 2, frames: 3, width: 64, height: 48, localActions: 3, scale: Demo.AutoScale(64));
        Ok(CliProcess.Run("demo", "--checkpoint", checkpoint, "--out", output, "--characters", "1", "--frames", "2")); // re-runs replace the demo's own files
    }

    [ShippedCheckpointFact]
    public void DemoRunsOnTheShippedCheckpoint()
    {
        var output = Path.Combine(TestPaths.NewTempDir(), "demo-output");
        // No --checkpoint: the default path, found from the program's location as on a fresh clone.
        var r = CliProcess.Run("demo", "--out", output);
        Ok(r);
        using var animator = Animator.Load(ShippedCheckpointFactAttribute.Path);
        AssertDemoOutputs(output, 3, 8, animator.Width, animator.Height, animator.NumLocalActions, Demo.AutoScale(animator.Width));
    }

    static (Animator Animator, Tensor Starts) Shipped()
    {
        var animator = Animator.Load(ShippedCheckpointFactAttribute.Path);
        var starts = torch.stack(Demo.DrawStartImages(3).Select(animator.PrepareImage));
        return (animator, starts);
    }

    [ShippedCheckpointFact]
    public void StayKeepsTheBackgroundFixed()
    {
        var (animator, starts) = Shipped();
        using var _ = animator;
        using var __ = starts;
        for (int local = 0; local < animator.NumLocalActions; local++)
        {
            using var clip = animator.Play(starts, animator.ParseActions($"stay*8:{local}").Steps);
            // Background = pixels no mask ever covers (start and generated, with a margin).
            using var everMasked = clip.Masks.amax([1]); // (B, 1, H, W)
            using var margin = torch.nn.functional.max_pool2d(everMasked, 5, 1, 2);
            using var background = (margin < 0.05).to(float32);
            Assert.True(background.mean().item<float>() > 0.3, "the background should cover a good part of the frame");
            for (int t = 1; t < clip.Length; t++)
            {
                using var change = ((clip.Frames[.., t] - clip.Frames[.., 0]).abs() * background).sum() / (background.sum() * 3);
                Assert.True(change.item<float>() < 0.03, $"local action {local}, step {t}: the background changed by {change.item<float>():F3} on average");
            }
        }
    }

    /// <summary>Mask-weighted mean position along <paramref name="axis"/> (4 = x, 3 = y) of each element at each time:
    /// (B, T). Only values above half of each mask's peak count, so a faint haze over the whole frame does not pull
    /// the centroid to the middle.</summary>
    static Tensor Centroid(Tensor masks /* (B, T, 1, H, W) */, int axis)
    {
        using var scope = NewDisposeScope();
        var weights = (masks - 0.5 * masks.amax([2, 3, 4], keepdim: true)).clamp_min(0);
        var shape = new long[] { 1, 1, 1, 1, 1 };
        shape[axis] = -1;
        var position = torch.arange(masks.shape[axis], dtype: float32).view(shape);
        return ((weights * position).sum([2, 3, 4]) / weights.sum([2, 3, 4]).clamp_min(1e-6)).MoveToOuterDisposeScope();
    }

    [ShippedCheckpointFact]
    public void RightAndLeftMoveTheMaskCentroid()
    {
        var (animator, starts) = Shipped();
        using var _ = animator;
        using var __ = starts;
        const int steps = 8;
        foreach (var (name, sign) in new[] { ("right", 1), ("left", -1) })
        {
            using var clip = animator.Play(starts, animator.ParseActions($"{name}*{steps}").Steps);
            using var x = Centroid(clip.Masks, axis: 4);
            var expected = steps * Math.Abs(animator.GlobalActions[name][0]) * animator.Width / 2; // pixels
            var moved = Enumerable.Range(0, (int)x.shape[0]).Select(b => x[b, -1].item<float>() - x[b, 0].item<float>()).ToList();
            Assert.True(moved.All(m => sign * m > 0.4 * expected),
                $"{name}: the characters moved {string.Join(", ", moved.Select(m => m.ToString("F1")))} px, expected about {sign * expected:F1}");
        }
    }

    /// <summary>Up and down (the shipped config's named steps) move the figure vertically against staying in place
    /// (which lets the pose, and so the mask's centroid, drift a little) and, kept inside the training videos' walk
    /// range, keep it whole and in its colours: the last frame's mask area and in-mask colour stay near the first
    /// generated frame's. With the reference's 0.1 steps the figure shrank to 0.64-0.79 of its area.</summary>
    [ShippedCheckpointFact]
    public void UpAndDownMoveTheCharacterAndKeepIt()
    {
        var (animator, starts) = Shipped();
        using var _ = animator;
        using var __ = starts;
        const int steps = 7; // the demo's matrix
        using var stay = animator.Play(starts, animator.ParseActions($"stay*{steps}").Steps);
        using var stayY = Centroid(stay.Masks, axis: 3);
        foreach (var (name, sign) in new[] { ("down", 1), ("up", -1) })
        {
            using var scope = NewDisposeScope();
            using var clip = animator.Play(starts, animator.ParseActions($"{name}*{steps}").Steps);
            var y = Centroid(clip.Masks, axis: 3);
            var expected = steps * Math.Abs(animator.GlobalActions[name][1]) * animator.Height / 2; // pixels
            var moved = Enumerable.Range(0, (int)y.shape[0]).Select(b => y[b, -1].item<float>() - stayY[b, -1].item<float>()).ToList();
            Assert.True(moved.All(m => sign * m > 0.25 * expected),
                $"{name}: the characters ended {string.Join(", ", moved.Select(m => m.ToString("F1")))} px from where staying left them, expected about {sign * expected:F1}");
            var masks = clip.Masks; // (B, T, 1, H, W)
            var area = masks.sum([2, 3, 4]); // (B, T)
            var colour = (clip.Frames * masks).sum([3, 4]) / masks.sum([3, 4]).clamp_min(1e-6); // (B, T, 3)
            for (int b = 0; b < area.shape[0]; b++)
            {
                float first = area[b, 1].item<float>(), last = area[b, -1].item<float>();
                Assert.True(last > 0.8 * first, $"{name}, character {b}: mask area {first:F1} -> {last:F1} px (the figure shrank)");
                float drift = (colour[b, -1] - colour[b, 1]).abs().max().item<float>();
                Assert.True(drift < 0.15, $"{name}, character {b}: in-mask colour drifted by {drift:F3} (images in [-1, 1])");
            }
        }
    }
}
