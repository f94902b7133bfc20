using Glass.Generation;
using Glass.IO;
using Glass.Runtime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Generation;

public class AnimatorTests
{
    readonly string _dir = TestPaths.NewTempDir();
    readonly string _checkpoint;

    public AnimatorTests()
    {
        TorchRuntime.Initialize();
        _checkpoint = TinyGlass.SaveCheckpoint(_dir);
    }

    static bool Same(Tensor a, Tensor b, double tolerance = 1e-5) => a.allclose(b, rtol: 0, atol: tolerance);

    [Fact]
    public void StartsFromImagesOfAnySizeAndSteps()
    {
        using var animator = Animator.Load(_checkpoint);
        Assert.Equal((64, 48, 3), (animator.Width, animator.Height, animator.NumLocalActions));
        // A 200x150 image is cropped to the config's box (0,0,128,96) and resized to 64x48.
        var path = Path.Combine(_dir, "big.png");
        ImageIO.WritePng(path, TinyGlass.Picture().ScaleNearest(2));
        using var start = animator.ReadImage(path);
        Assert.Equal([3L, 48, 64], start.shape);

        animator.Start(start.unsqueeze(0));
        using var step = animator.Step("right", 2);
        Assert.Equal([1L, 3, 48, 64], step.Frames.shape);
        Assert.Equal([1L, 3, 48, 64], step.Foregrounds.shape);
        Assert.Equal([1L, 1, 48, 64], step.Masks.shape);
        Assert.True(step.Masks.min().item<float>() >= 0 && step.Masks.max().item<float>() <= 1);
        Assert.True(step.Frames.abs().max().item<float>() <= 1.0001);
        Assert.Equal(1, animator.StepsTaken);
        Assert.False(step.Frames.requires_grad);
    }

    [Fact]
    public void ResetReplaysTheSameFrames()
    {
        using var animator = Animator.Load(_checkpoint);
        using var start = animator.PrepareImage(TinyGlass.Picture()).unsqueeze(0);
        animator.Start(start);
        var first = new List<Tensor>();
        foreach (var (name, local) in new[] { ("right", 0), ("up", 1), ("stay", 2) })
        {
            using var s = animator.Step(name, local);
            first.Add(s.Frames.clone());
        }
        animator.Reset();
        Assert.Equal(0, animator.StepsTaken);
        foreach (var ((name, local), i) in new[] { ("right", 0), ("up", 1), ("stay", 2) }.Select((a, i) => (a, i)))
        {
            using var s = animator.Step(name, local);
            Assert.True(Same(first[i], s.Frames), $"step {i} differs after Reset");
        }
    }

    [Fact]
    public void BatchElementsFollowTheirOwnActions()
    {
        using var animator = Animator.Load(_checkpoint);
        using var a = animator.PrepareImage(TinyGlass.Picture(20, 20));
        using var b = animator.PrepareImage(TinyGlass.Picture(70, 50));
        var seqA = animator.ParseActions("right*3:1 0.05,-0.02:2").Steps;
        var seqB = animator.ParseActions("up:0 stay*2:2 left").Steps;
        using var both = animator.Play(torch.stack([a, b]), [seqA, seqB]);
        using var onlyA = animator.Play(a.unsqueeze(0), seqA);
        using var onlyB = animator.Play(b.unsqueeze(0), seqB);
        Assert.Equal([2L, 5, 3, 48, 64], both.Frames.shape);
        Assert.Equal([2L, 5, 1, 48, 64], both.Masks.shape);
        // Eval mode: each element is computed independently of the others.
        Assert.True(Same(both.Frames[0], onlyA.Frames[0], 1e-4));
        Assert.True(Same(both.Frames[1], onlyB.Frames[0], 1e-4));
        Assert.True(Same(both.Masks[1], onlyB.Masks[0], 1e-4));
        // Frame 0 is the start; its mask is the segmentation of the start.
        Assert.True(Same(both.Frames[0][0], a));
        Assert.False(Same(both.Frames[0][4], both.Frames[1][4], 1e-3));
    }

    [Fact]
    public void BadActionsAreRefused()
    {
        using var animator = Animator.Load(_checkpoint);
        using var start = animator.PrepareImage(TinyGlass.Picture()).unsqueeze(0);
        Assert.Throws<InvalidOperationException>(() => animator.Step("right", 0));
        animator.Start(start);
        Assert.Contains("out of range: this model has 3 local actions", Assert.Throws<GlassException>(() => animator.Step("right", 3)).Message);
        Assert.Contains("unknown global action 'jump'", Assert.Throws<GlassException>(() => animator.Step("jump", 0)).Message);
        Assert.Contains("2 actions given for a batch of 1", Assert.Throws<GlassException>(() =>
            animator.Step([new ActionStep(0, 0, 0, "a"), new ActionStep(0, 0, 0, "b")])).Message);
        var e = Assert.Throws<GlassException>(() => animator.ParseActions("right*2:3"));
        Assert.Contains("this model has 3 local actions (0..2)", e.Message);
        using var wrongSize = torch.zeros(1, 3, 96, 128);
        Assert.Contains("data.input_size 64x48", Assert.Throws<GlassException>(() => animator.Start(wrongSize)).Message);
    }

    [Theory]
    [InlineData(ActionMatrixKind.Global, 5)]
    [InlineData(ActionMatrixKind.Local, 3)]
    public void MatrixHasTheAdvertisedRowsColumnsAndFrames(ActionMatrixKind kind, int columns)
    {
        using var animator = Animator.Load(_checkpoint);
        using var starts = torch.stack([animator.PrepareImage(TinyGlass.Picture(10, 10)), animator.PrepareImage(TinyGlass.Picture(60, 40))]);
        var matrix = ActionMatrix.Build(animator, starts, kind, frames: 4);
        Assert.Equal((2, columns, 4), (matrix.Rows, matrix.Columns.Count, matrix.Frames));
        if (kind == ActionMatrixKind.Global) Assert.Equal(["right", "left", "down", "up", "stay"], matrix.Columns.Select(c => c.Label));
        else Assert.Equal(["local 0", "local 1", "local 2"], matrix.Columns.Select(c => c.Label));

        var frames = matrix.AnimationFrames();
        Assert.Equal(4, frames.Count);
        int gap = ActionMatrix.Gap;
        Assert.Equal((columns * 64 + (columns - 1) * gap, 2 * 48 + gap), (frames[0].Width, frames[0].Height));
        // Frame 0 of every cell is its row's starting image.
        var start1 = ImageIO.ToRgbImage(starts[1]);
        Assert.Equal(start1.GetPixel(30, 20), frames[0].GetPixel((columns - 1) * (64 + gap) + 30, 48 + gap + 20));
        Assert.Equal(matrix.Cell(1, 2, 3).GetPixel(5, 5), frames[3].GetPixel(2 * (64 + gap) + 5, 48 + gap + 5));

        var strip = matrix.Strip();
        Assert.Equal((4 * 64 + 3 * gap, 2 * columns * 48 + (2 * columns - 1) * gap), (strip.Width, strip.Height));

        var gif = Path.Combine(_dir, $"matrix-{kind}.gif");
        AnimationWriter.Write(gif, frames, new AnimationOptions(Scale: 2));
        var decoded = DecodedVideo.DecodeGif(gif);
        Assert.Equal(4, decoded.Frames.Count);
        Assert.Equal(frames[0].Width * 2, decoded.Frames[0].Width);
    }

    [Fact]
    public void TransferReplaysTheActionsReadFromASourceClip()
    {
        using var animator = Animator.Load(_checkpoint);
        // Source: the square walks right over 6 frames, written as a frame folder.
        var source = Path.Combine(_dir, "source");
        for (int t = 0; t < 6; t++) TinyGlass.SavePicture(source, $"{t:D5}.png", 20 + 6 * t, 30);
        using var clip = SourceClip.Read(source, animator.Transform, maxFrames: 100);
        Assert.Equal([6L, 3, 48, 64], clip.shape);
        var actions = MotionTransfer.InferActions(animator, clip);
        Assert.Equal(5, actions.Count);
        Assert.All(actions.LocalActionIds, id => Assert.InRange(id, 0, 2));

        // Long clips are read in overlapping windows: the same actions as one pass.
        using var longClip = torch.cat([clip, clip, clip, clip]);
        var windowed = MotionTransfer.InferActions(animator, longClip);
        Assert.Equal(23, windowed.Count);
        using (var whole = animator.Model.InferActions(longClip.unsqueeze(0)))
        {
            Assert.Equal(whole.LocalActionIds[0].data<long>().ToArray(), windowed.LocalActionIds);
            var fg = whole.ForegroundShifts[0].data<float>().ToArray();
            for (int i = 0; i < windowed.Count; i++) Assert.Equal(fg[2 * i], windowed.ForegroundShifts[i][0], 4);
        }

        using var target = animator.PrepareImage(TinyGlass.Picture(60, 20));
        using var generated = MotionTransfer.Replay(animator, actions, target);
        Assert.Equal([1L, 6, 3, 48, 64], generated.Frames.shape);
        var sideBySide = MotionTransfer.SideBySide(clip, generated.Frames[0]);
        Assert.Equal(6, sideBySide.Count);
        Assert.Equal(2 * 64 + ActionMatrix.Gap, sideBySide[0].Width);
    }
}
