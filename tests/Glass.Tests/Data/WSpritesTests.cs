using Glass.Data;
using Glass.Data.WSprites;
using Glass.IO;
using Xunit;

namespace Glass.Tests.Data;

public class WSpritesTests
{
    const int W = WSpritesScript.FrameWidth, H = WSpritesScript.FrameHeight, S = CharacterSprite.Size;

    [Fact]
    public void LpcCellsFollowTheSpecFrameOrders()
    {
        // Labels 3a + d, a: walk, spellcast, slash; d: front, left, right.
        Assert.Equal("walk-front", LocalActions.Name(0));
        Assert.Equal("spellcast-left", LocalActions.Name(4));
        Assert.Equal("slash-right", LocalActions.Name(8));
        int[] Cols(int label) => Enumerable.Range(0, 8).Select(f => LocalActions.LpcCell(label, f).Column).ToArray();
        int Row(int label) => LocalActions.LpcCell(label, 0).Row;
        Assert.Equal([10, 9, 11], new[] { Row(0), Row(1), Row(2) });
        Assert.Equal([2, 1, 3], new[] { Row(3), Row(4), Row(5) });
        Assert.Equal([14, 13, 15], new[] { Row(6), Row(7), Row(8) });
        Assert.Equal([8, 1, 2, 3, 4, 5, 6, 7], Cols(1));
        Assert.Equal([0, 1, 2, 3, 4, 5, 4, 6], Cols(3));
        Assert.Equal([0, 1, 2, 3, 4, 5, 4, 0], Cols(8));
        Assert.Equal(LocalActions.Label(ActionKind.Walk, Facing.Right), LocalActions.WalkFor(GlobalAction.Right));
        Assert.Equal(LocalActions.Label(ActionKind.Walk, Facing.Front), LocalActions.WalkFor(GlobalAction.Up));
    }

    /// <summary>The loop position each frame must show, from the labels alone (walks continue, stays restart).</summary>
    static int[] ExpectedLoopFrames(int[] labels)
    {
        var counter = new int[LocalActions.Count];
        var result = new int[labels.Length];
        for (int t = 0; t < labels.Length; t++)
        {
            int l = labels[t];
            bool stay = l >= 3;
            if (stay && (t == 0 || labels[t - 1] != l)) counter[l] = 0;
            result[t] = counter[l];
            counter[l] = (counter[l] + 1) % LocalActions.FramesPerAction;
        }
        return result;
    }

    [Fact]
    public void PlansAreDeterministicAndFollowTheReferenceRules()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var a = WSpritesScript.Plan(DeterministicRandom.For(seed, 1, 2), 300);
            var b = WSpritesScript.Plan(DeterministicRandom.For(seed, 1, 2), 300);
            Assert.Equal(a, b);
            var expected = ExpectedLoopFrames(a.Select(s => s.Local).ToArray());
            int run = 0;
            for (int t = 0; t < a.Length; t++)
            {
                var s = a[t];
                Assert.InRange(s.X, 0, 63);
                Assert.InRange(s.Y, 0, 31);
                Assert.InRange(s.BackgroundX, 0, 24);
                Assert.InRange(s.BackgroundY, 0, 24);
                Assert.Equal(expected[t], s.ActionFrame);
                if (t > 0)
                {
                    Assert.Equal(s.X - a[t - 1].X, s.Dx);
                    Assert.Equal(s.Y - a[t - 1].Y, s.Dy);
                    Assert.Equal(s.BackgroundX - a[t - 1].BackgroundX, s.BackgroundDx);
                    Assert.Equal(s.BackgroundY - a[t - 1].BackgroundY, s.BackgroundDy);
                }
                Assert.True(Math.Abs(s.Dx) <= 7 && Math.Abs(s.Dy) <= 7 && (s.Dx == 0 || s.Dy == 0));
                switch (s.Global)
                {
                    case GlobalAction.Left: Assert.Equal(1, s.Local); Assert.True(s.Dx < 0 && s.Dy == 0); break;
                    case GlobalAction.Right: Assert.Equal(2, s.Local); Assert.True(s.Dx > 0 && s.Dy == 0); break;
                    case GlobalAction.Up: Assert.Equal(0, s.Local); Assert.True(s.Dy < 0 && s.Dx == 0); break;
                    case GlobalAction.Down: Assert.Equal(0, s.Local); Assert.True(s.Dy > 0 && s.Dx == 0); break;
                    default: Assert.InRange(s.Local, 3, 8); Assert.True(s.Dx == 0 && s.Dy == 0); break;
                }
                // A stay plays one action for at most 8 frames; the next stay action is a different one.
                run = t > 0 && a[t - 1].Local == s.Local ? run + 1 : 1;
                if (s.Local >= 3) Assert.InRange(run, 1, 8);
            }
        }
    }

    [Fact]
    public void BackgroundShiftIsTheDisplacementOfItsContent()
    {
        var img = new RgbImage(256, 256);
        new Random(3).NextBytes(img.Pixels);
        var scroller = new BackgroundScroller(img);
        // Offset +2 horizontally moves the content 1 px left; +8 vertically moves it 3 px up (96/256 scale).
        var a = scroller.Frame(4, 4);
        var right = scroller.Frame(6, 4);
        var down = scroller.Frame(4, 12);
        for (int y = 8; y < H - 8; y++)
            for (int x = 8; x < W - 8; x++)
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(a.Pixels[(y * W + x + 1) * 3 + c], right.Pixels[(y * W + x) * 3 + c]);
                    Assert.Equal(a.Pixels[((y + 3) * W + x) * 3 + c], down.Pixels[(y * W + x) * 3 + c]);
                }
        Assert.Equal(2f * -1 / W, scroller.ShiftOf(2, 0).Dx, 6);
        Assert.Equal(2f * -3 / H, scroller.ShiftOf(0, 8).Dy, 6);
    }

    static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    static (int X0, int Y0, int X1, int Y1)? BBox(byte[] values, int width, int height, int stride, int channel)
    {
        int x0 = int.MaxValue, y0 = int.MaxValue, x1 = -1, y1 = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (values[(y * width + x) * stride + channel] != 0) { x0 = Math.Min(x0, x); y0 = Math.Min(y0, y); x1 = Math.Max(x1, x); y1 = Math.Max(y1, y); }
        return x1 < 0 ? null : (x0, y0, x1, y1);
    }

    /// <summary>
    /// For every frame: the mask is exactly the alpha of the cell the labels call for (action label and its loop
    /// position), placed at one position; sprite pixels are the cell's colours; the recorded foreground shift is
    /// the move of that position in pixels; where the background moved by whole pixels, it moved as recorded.
    /// </summary>
    static void CheckVideo(VideoFolder video, ICharacterLibrary library, Action<byte[], int, int>? checkCell = null)
    {
        var meta = video.Metadata!;
        var sprite = library.Character(video.Identity);
        var loop = ExpectedLoopFrames(meta.Local!);
        (int X, int Y)? previous = null;
        RgbImage? previousFrame = null;
        GrayImage? previousMask = null;
        for (int t = 0; t < video.FrameCount; t++)
        {
            var frame = ImageIO.ReadRgb(video.FramePath(t));
            var mask = ImageIO.ReadGray(video.MaskPath(t));
            var cell = sprite.Cell(meta.Local![t], loop[t]);
            checkCell?.Invoke(cell, meta.Local[t], loop[t]);
            var cb = BBox(cell, S, S, 4, 3)!.Value;
            var mb = BBox(mask.Pixels, W, H, 1, 0)!.Value;
            int px = mb.X0 - cb.X0, py = mb.Y0 - cb.Y0;
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                {
                    int cx = x - px, cy = y - py;
                    int alpha = cx is >= 0 and < S && cy is >= 0 and < S ? cell[(cy * S + cx) * 4 + 3] : 0;
                    Assert.Equal(alpha, mask.Pixels[y * W + x]);
                    if (alpha == 255)
                        for (int c = 0; c < 3; c++) Assert.Equal(cell[(cy * S + cx) * 4 + c], frame.Pixels[(y * W + x) * 3 + c]);
                }
            if (previous is { } p)
            {
                Assert.Equal(px - p.X, meta.Shifts![t][0] * W / 2, 4);
                Assert.Equal(py - p.Y, meta.Shifts[t][1] * H / 2, 4);
                // Horizontal background moves are whole pixels: compare where neither frame shows the sprite.
                float bdx = meta.BackgroundShifts![t][0] * W / 2, bdy = meta.BackgroundShifts[t][1] * H / 2;
                if (bdy == 0 && Math.Abs(bdx - MathF.Round(bdx)) < 1e-4)
                {
                    int d = (int)MathF.Round(bdx);
                    for (int y = 4; y < H - 4; y++)
                        for (int x = 4; x < W - 4; x++)
                        {
                            int sx = x - d;
                            if (mask.Pixels[y * W + x] != 0 || previousMask!.Pixels[y * W + sx] != 0) continue;
                            for (int c = 0; c < 3; c++) Assert.Equal(previousFrame!.Pixels[(y * W + sx) * 3 + c], frame.Pixels[(y * W + x) * 3 + c]);
                        }
                }
            }
            previous = (px, py);
            previousFrame = frame;
            previousMask = mask;
        }
    }

    [Fact]
    public void LpcGeneratorIsDeterministicSplitsByIdentityAndDrawsWhatItRecords()
    {
        var sheets = FakeLpcSheets.Create();
        var library = new LpcCharacterLibrary(sheets);
        var a = TestPaths.NewTempDir("glass-ws-a");
        var b = TestPaths.NewTempDir("glass-ws-b");
        var options = new WSpritesOptions { OutputDir = a, Identities = 10, VideosPerIdentity = 1, Frames = 12, Seed = 5, Threads = 2 };
        var report = WSpritesGenerator.Generate(library, options);
        Assert.Equal(10, report.Written);
        options.OutputDir = b;
        options.Threads = 1;
        WSpritesGenerator.Generate(library, options);
        var sa = Snapshot(a);
        Assert.Equal(sa.Keys.Order(), Snapshot(b).Keys.Order());
        foreach (var (k, v) in Snapshot(b)) Assert.True(v.AsSpan().SequenceEqual(sa[k]), $"{k} differs between runs");
        options.Seed = 6;
        options.OutputDir = TestPaths.NewTempDir("glass-ws-c");
        WSpritesGenerator.Generate(library, options);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "train", "sprite_000000_video_000", "actions.json")),
                        File.ReadAllBytes(Path.Combine(options.OutputDir, "train", "sprite_000000_video_000", "actions.json")));

        // 80/10/10 by identity; an identity's videos are all in one split.
        var ids = VideoDataset.SplitNames.ToDictionary(s => s, s => VideoDataset.Open(a, s).Videos.Select(v => v.Identity).Distinct().ToArray());
        Assert.Equal([8, 1, 1], VideoDataset.SplitNames.Select(s => ids[s].Length));
        Assert.Empty(ids["train"].Intersect(ids["val"]).Concat(ids["train"].Intersect(ids["test"])).Concat(ids["val"].Intersect(ids["test"])));

        // Every frame shows the sheet cell the spec assigns to its label and loop position.
        foreach (var video in VideoDataset.Open(a, "train").Videos.Take(4))
            CheckVideo(video, library, (cell, label, k) =>
            {
                int o = (40 * S + 32) * 4;
                Assert.Equal(LocalActions.LpcCell(label, k), FakeLpcSheets.Decode(cell[o], cell[o + 1]));
            });
        // The half-transparent hair square gives mask value 128 over the body-free area.
        var m = ImageIO.ReadGray(VideoDataset.Open(a, "test").Videos[0].MaskPath(0)).Pixels;
        Assert.Contains((byte)128, m);

        // A rerun skips finished videos and removes leftovers of an interrupted run.
        var leftover = Path.Combine(a, "train", "sprite_000999_video_000.tmp-999999");
        Directory.CreateDirectory(leftover);
        options.OutputDir = a;
        options.Seed = 5;
        var rerun = WSpritesGenerator.Generate(library, options);
        Assert.Equal((0, 10), (rerun.Written, rerun.Skipped));
        Assert.False(Directory.Exists(leftover));
        options.Frames = 13;
        Assert.Contains("other settings", Assert.Throws<GlassException>(() => WSpritesGenerator.Generate(library, options)).Message);
    }

    [Fact]
    public void BuiltinGeneratorIsDeterministicAndDrawsWhatItRecords()
    {
        var library = new BuiltinCharacterLibrary();
        var a = TestPaths.NewTempDir("glass-wsb-a");
        var b = TestPaths.NewTempDir("glass-wsb-b");
        var options = new WSpritesOptions { OutputDir = a, Identities = 10, VideosPerIdentity = 1, Frames = 16, Seed = 2, Threads = 2 };
        WSpritesGenerator.Generate(library, options);
        options.OutputDir = b;
        options.Threads = 1;
        WSpritesGenerator.Generate(library, options);
        var sa = Snapshot(a);
        var sb = Snapshot(b);
        Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
        foreach (var (k, v) in sb) Assert.True(v.AsSpan().SequenceEqual(sa[k]), $"{k} differs between runs");
        foreach (var video in VideoDataset.Open(a, "train").Videos.Take(3)) CheckVideo(video, library);
        Assert.Equal(10, VideoDataset.SplitNames.Sum(s => VideoDataset.Open(a, s).Videos.Count));
    }

    [Fact]
    public void BuiltinActionsDifferInVisiblePoses()
    {
        var sprite = new BuiltinCharacterLibrary().Character(500);
        static int Diff(byte[] p, byte[] q) => Enumerable.Range(0, p.Length / 4).Count(i => (p[i * 4 + 3] != 0) != (q[i * 4 + 3] != 0));
        for (int label = 0; label < LocalActions.Count; label++)
        {
            // Frames within an action move limbs...
            var frames = Enumerable.Range(0, 8).Select(f => sprite.Cell(label, f)).ToArray();
            Assert.True(Enumerable.Range(1, 7).Max(f => Diff(frames[0], frames[f])) >= 20, $"{LocalActions.Name(label)} barely moves");
            // ...and each action differs from the others in some frame.
            for (int other = 0; other < label; other++)
                Assert.True(Enumerable.Range(0, 8).Max(f => Diff(sprite.Cell(label, f), sprite.Cell(other, f))) >= 20,
                    $"{LocalActions.Name(label)} looks like {LocalActions.Name(other)}");
        }
        // Right is the mirror image of left.
        var l = sprite.Cell(LocalActions.Label(ActionKind.Slash, Facing.Left), 3);
        var r = sprite.Cell(LocalActions.Label(ActionKind.Slash, Facing.Right), 3);
        Assert.Equal(l[(10 * S + 20) * 4 + 3], r[(10 * S + S - 1 - 20) * 4 + 3]);
        // Identities differ.
        var other2 = new BuiltinCharacterLibrary().Character(501);
        Assert.False(sprite.Cell(0, 0).AsSpan().SequenceEqual(other2.Cell(0, 0)));
    }

    [Fact]
    public void RealLpcSheetsMakeConsistentVideos()
    {
        if (!Directory.Exists(Path.Combine(TestPaths.WSpritesAssets, "sprites"))) return; // assets absent on this machine
        var library = new LpcCharacterLibrary(TestPaths.WSpritesAssets);
        var dir = TestPaths.NewTempDir("glass-ws-lpc");
        WSpritesGenerator.Generate(library, new WSpritesOptions { OutputDir = dir, Identities = 3, VideosPerIdentity = 1, Frames = 16, Seed = 1 });
        // 3 identities: two in train, one in val, none in test.
        var videos = VideoDataset.SplitNames.SelectMany(s => Directory.EnumerateDirectories(Path.Combine(dir, s))).Select(VideoFolder.Open).ToArray();
        Assert.Equal(3, videos.Length);
        foreach (var v in videos) CheckVideo(v, library);
    }

    [Fact]
    public void BadSheetsAndOutputsGiveOneLineErrors()
    {
        var sheets = FakeLpcSheets.Create(64 * 13, 64 * 2); // wrong height
        var e = Assert.Throws<GlassException>(() => new LpcCharacterLibrary(sheets).Character(0));
        Assert.Contains(Path.Combine("body", "5.png"), e.Message);
        Assert.Contains("expected 832x1344", e.Message);

        File.Delete(Path.Combine(sheets, "sprites", "hair", "3.png"));
        var missing = Assert.Throws<GlassException>(() => new LpcCharacterLibrary(sheets));
        Assert.Contains(Path.Combine("hair", "3.png"), missing.Message);
        Assert.Contains("not found", Assert.Throws<GlassException>(() => new LpcCharacterLibrary(Path.Combine(sheets, "nope"))).Message);

        var file = Path.Combine(TestPaths.NewTempDir(), "a-file");
        File.WriteAllText(file, "x");
        var bad = Assert.Throws<GlassException>(() => WSpritesGenerator.Generate(new BuiltinCharacterLibrary(),
            new WSpritesOptions { OutputDir = Path.Combine(file, "out"), Identities = 1, VideosPerIdentity = 1, Frames = 2 }));
        Assert.Contains("a-file", bad.Message);
        Assert.Throws<GlassException>(() => WSpritesGenerator.Generate(new BuiltinCharacterLibrary(),
            new WSpritesOptions { OutputDir = TestPaths.NewTempDir(), Identities = 0 }));
    }

    [Fact]
    public void CliWritesAWSpritesDatasetAndRejectsAmbiguousSources()
    {
        var dir = Path.Combine(TestPaths.NewTempDir(), "ds");
        var root = new System.CommandLine.RootCommand();
        root.Subcommands.Add(Glass.Cli.Commands.DataCommand.Create());
        Assert.Equal(0, root.Parse(["data", "wsprites", "--builtin", "--out", dir, "--identities", "10", "--videos-per-identity", "1", "--frames", "6"]).Invoke());
        Assert.Equal(8, VideoDataset.Open(dir, "train").Videos.Count);
        Assert.Equal(1, root.Parse(["data", "wsprites", "--out", dir]).Invoke());
        Assert.DoesNotContain("background_seed", File.ReadAllText(Path.Combine(dir, WSpritesGenerator.DescriptionFile)));

        // --background-seed: the same characters and walks as --seed alone, over another ground texture.
        var own = Path.Combine(TestPaths.NewTempDir(), "own");
        var other = Path.Combine(TestPaths.NewTempDir(), "other");
        string[] common = ["data", "wsprites", "--builtin", "--identities", "10", "--videos-per-identity", "1", "--frames", "3", "--seed", "7"];
        Assert.Equal(0, root.Parse([.. common, "--out", own]).Invoke());
        Assert.Equal(0, root.Parse([.. common, "--out", other, "--background-seed", "1"]).Invoke());
        Assert.Contains("\"background_seed\": 1", File.ReadAllText(Path.Combine(other, WSpritesGenerator.DescriptionFile)));
        var (a, b) = (VideoDataset.Open(own, "train").Videos[0], VideoDataset.Open(other, "train").Videos[0]);
        Assert.True(ImageIO.ReadGray(a.MaskPath(1)).Pixels.AsSpan().SequenceEqual(ImageIO.ReadGray(b.MaskPath(1)).Pixels), "the masks differ");
        Assert.False(ImageIO.ReadRgb(a.FramePath(1)).Pixels.AsSpan().SequenceEqual(ImageIO.ReadRgb(b.FramePath(1)).Pixels), "the ground is the same");
        Assert.Equal(1, root.Parse(["data", "wsprites", "--sprites", TestPaths.NewTempDir(), "--background-seed", "1", "--out", other]).Invoke());

        var sheet = Path.Combine(TestPaths.NewTempDir(), "sheet.png");
        Assert.Equal(0, root.Parse(["data", "sheet", "--builtin", "--out", sheet]).Invoke());
        var img = ImageIO.ReadRgb(sheet);
        Assert.Equal((16 * 64 + 8, 64 + 8 + 9 * 64), (img.Width, img.Height));
    }
}
