using Glass.Data;
using Glass.IO;
using Glass.Runtime;
using TorchSharp;
using Xunit;

namespace Glass.Tests.Data;

public class ClipLoaderTests
{
    public ClipLoaderTests() => TorchRuntime.Initialize();

    static ClipLoader Loader(string root, Action<ClipLoaderOptions>? edit = null, string split = "train", int w = TinyDataset.Width, int h = TinyDataset.Height)
    {
        var o = new ClipLoaderOptions { BatchSize = 3, ObservationsCount = 4, Workers = 2, Prefetch = 3, Seed = 5 };
        edit?.Invoke(o);
        return ClipLoader.Open(root, split, o, null, w, h);
    }

    [Fact]
    public void BatchesHaveTheModelsShapesRangesAndMatchingGroundTruth()
    {
        var root = TinyDataset.Splitted(frames: 10);
        using var loader = Loader(root, o => o.SkipFrames = 1);
        // Span 4 + 3 * 1 = 7 frames: 4 + 6 + 4 windows.
        Assert.Equal(14, loader.ClipCount);
        Assert.Equal(4, loader.BatchesPerEpoch);
        using var batch = loader.NextBatch();
        Assert.Equal(new long[] { 3, 4, 3, TinyDataset.Height, TinyDataset.Width }, batch.Observations.shape);
        Assert.Equal(new long[] { 3, 4, 1, TinyDataset.Height, TinyDataset.Width }, batch.Masks!.shape);
        Assert.Equal(new long[] { 3, 4 }, batch.GlobalActions!.shape);
        Assert.Equal(new long[] { 3, 4, 2 }, batch.Shifts!.shape);
        Assert.Equal(new long[] { 3, 4 }, batch.LocalActions!.shape);
        Assert.Equal(new long[] { 3, 4, 2 }, batch.BackgroundShifts!.shape);
        Assert.Equal(new long[] { 3 }, batch.Identities.shape);
        Assert.Equal(torch.ScalarType.Float32, batch.Observations.dtype);
        Assert.Equal(torch.ScalarType.Int64, batch.GlobalActions.dtype);
        Assert.True(batch.Observations.min().item<float>() >= -1f && batch.Observations.max().item<float>() <= 1f);
        Assert.True(batch.Masks.min().item<float>() >= 0f && batch.Masks.max().item<float>() <= 1f);

        for (int i = 0; i < 3; i++)
        {
            int v = int.Parse(batch.VideoNames[i]["video_".Length..]);
            int start = batch.InitialFrames[i];
            Assert.Equal(1000 + v, batch.Identities[i].item<long>());
            var meta = TinyDataset.Metadata(v, 12);
            for (int t = 0; t < 4; t++)
            {
                int f = start + 2 * t;
                // R channel encodes 10 v + f; pixel (y=1, x=2): G = 40, B = 30.
                Assert.Equal(2f * (10 * v + f) / 255f - 1f, batch.Observations[i, t, 0, 1, 2].item<float>(), 5);
                Assert.Equal(2f * 40 / 255f - 1f, batch.Observations[i, t, 1, 1, 2].item<float>(), 5);
                Assert.Equal(2f * 30 / 255f - 1f, batch.Observations[i, t, 2, 1, 2].item<float>(), 5);
                Assert.Equal(TinyDataset.Mask(f).Pixels[1 * TinyDataset.Width + 6] / 255f, batch.Masks[i, t, 0, 1, 6].item<float>(), 5);
                Assert.Equal(meta.Global![f], batch.GlobalActions[i, t].item<long>());
                Assert.Equal(meta.Local![f], batch.LocalActions[i, t].item<long>());
                Assert.Equal(meta.Shifts![f][0], batch.Shifts[i, t, 0].item<float>(), 6);
                Assert.Equal(meta.Shifts![f][1], batch.Shifts[i, t, 1].item<float>(), 6);
                Assert.Equal(meta.BackgroundShifts![f][0], batch.BackgroundShifts[i, t, 0].item<float>(), 6);
            }
        }
    }

    [Fact]
    public void CurriculumChangesFramesPerClipBetweenBatches()
    {
        var root = TinyDataset.Splitted(frames: 10);
        using var loader = Loader(root);
        using (var b = loader.NextBatch(2)) Assert.Equal(new long[] { 3, 2, 3, 6, 8 }, b.Observations.shape);
        using (var b = loader.NextBatch(3))
        {
            Assert.Equal(new long[] { 3, 3, 1, 6, 8 }, b.Masks!.shape);
            Assert.Equal(new long[] { 3, 3, 2 }, b.Shifts!.shape);
        }
        using (var b = loader.NextBatch()) Assert.Equal(4, b.Frames);
        Assert.Throws<GlassException>(() => loader.NextBatch(5));

        // A schedule known in advance lets the workers decode only the frames needed.
        using var scheduled = Loader(root, o => o.FramesSchedule = k => k < 2 ? 2 : 4);
        Assert.Equal(2, scheduled.NextBatch().Frames);
        Assert.Equal(2, scheduled.NextBatch().Frames);
        Assert.Equal(4, scheduled.NextBatch().Frames);
    }

    static List<(string, int)> Sequence(ClipLoader loader, int batches)
    {
        var seq = new List<(string, int)>();
        for (int k = 0; k < batches; k++)
        {
            using var b = loader.NextBatch();
            for (int i = 0; i < b.BatchSize; i++) seq.Add((b.VideoNames[i], b.InitialFrames[i]));
        }
        return seq;
    }

    [Fact]
    public void ShufflingIsSeededAndIndependentOfWorkerCountAndCaching()
    {
        var root = TinyDataset.Splitted(frames: 10);
        using var a = Loader(root, o => { o.Workers = 1; o.Prefetch = 1; });
        using var b = Loader(root, o => { o.Workers = 2; o.Prefetch = 5; o.CacheBytes = 0; });
        using var c = Loader(root, o => o.Seed = 6);
        var sa = Sequence(a, 12); // three epochs of 4 batches
        Assert.Equal(sa, Sequence(b, 12));
        Assert.NotEqual(sa, Sequence(c, 12));
        // Each epoch draws distinct windows; consecutive epochs are ordered differently.
        Assert.Equal(12, sa.Take(12).Distinct().Count());
        Assert.NotEqual(sa.Take(12), sa.Skip(12).Take(12));
        Assert.True(a.Cache.Count > 0);
        Assert.Equal(0, b.Cache.Count);
    }

    [Fact]
    public void OnePassVisitsEveryWindowOnceInOrder()
    {
        var root = TinyDataset.Splitted(frames: 10);
        using var loader = Loader(root, o => { o.Shuffle = false; o.Repeat = false; o.DropLast = false; o.BatchSize = 4; });
        var seen = new List<(string, int)>();
        foreach (var b in loader.Batches())
            using (b)
                for (int i = 0; i < b.BatchSize; i++) seen.Add((b.VideoNames[i], b.InitialFrames[i]));
        // Windows of 4 frames: 7 + 9 + 7.
        Assert.Equal(23, seen.Count);
        Assert.Equal(("video_000", 0), seen[0]);
        Assert.Equal(("video_001", 0), seen[7]);
        Assert.Equal(("video_002", 6), seen[^1]);
        Assert.Equal(23, seen.Distinct().Count());
    }

    [Fact]
    public void CropAndResizeApplyToFramesAndMasks()
    {
        var root = TinyDataset.Splitted(frames: 6);
        var options = new ClipLoaderOptions { BatchSize = 2, ObservationsCount = 2, Shuffle = false };
        using var loader = ClipLoader.Open(root, "val", options, [0, 0, 4, 6], 2, 3);
        using var b = loader.NextBatch();
        Assert.Equal(new long[] { 2, 2, 3, 3, 2 }, b.Observations.shape);
        Assert.Equal(new long[] { 2, 2, 1, 3, 2 }, b.Masks!.shape);
        var expected = new FrameTransform([0, 0, 4, 6], 2, 3).Apply(TinyDataset.Frame(3, 0));
        using var t = ImageIO.ToTensor(expected);
        Assert.True(t.allclose(b.Observations[0, 0], 1e-6, 1e-6));
        // Left half of the 8-wide mask is off on even frames: the 4-wide crop is all background.
        Assert.Equal(0f, b.Masks[0, 0].max().item<float>());
    }

    [Fact]
    public void DatasetsWithoutGroundTruthGiveNullsAndShortVideosAreSkipped()
    {
        var root = TinyDataset.Splitted(frames: 5, masks: false, metadata: false);
        using var loader = Loader(root, o => { o.ObservationsCount = 6; o.BatchSize = 2; }, split: "train");
        // Only video_001 (7 frames) has a window of 6.
        Assert.Equal(2, loader.ClipCount);
        Assert.Throws<GlassException>(() => Loader(root, o => o.ObservationsCount = 8));
        using var small = Loader(root, o => { o.ObservationsCount = 2; o.BatchSize = 2; });
        using var b = small.NextBatch();
        Assert.Null(b.Masks);
        Assert.Null(b.GlobalActions);
        Assert.Null(b.Shifts);
        Assert.Equal(-1, b.Identities[0].item<long>());
    }

    [Fact]
    public void CorruptFrameSurfacesAsGlassExceptionOnTheConsumer()
    {
        var root = TinyDataset.Splitted(frames: 4);
        File.WriteAllBytes(Path.Combine(root, "val", "video_003", "00003.png"), [1, 2, 3]);
        using var loader = Loader(root, o => { o.ObservationsCount = 2; o.BatchSize = 1; o.Shuffle = false; }, split: "val");
        using (loader.NextBatch()) { }
        using (loader.NextBatch()) { }
        var e = Assert.Throws<GlassException>(() => loader.NextBatch());
        Assert.Contains("00003.png", e.Message);
    }

    [Fact]
    public void FromConfigUsesDataAndBatchingSections()
    {
        var root = TinyDataset.Splitted(frames: 6);
        var config = new Glass.Config.GlassConfig();
        config.Data.DataRoot = root;
        config.Data.Crop = [0, 0, 8, 6];
        config.Data.InputSize = [4, 3];
        config.Training.Batching.BatchSize = 2;
        config.Training.Batching.ObservationsCount = 3;
        config.Evaluation.Batching.BatchSize = 3;
        config.Evaluation.Batching.ObservationsCount = 2;
        using var train = ClipLoader.FromConfig(config, "train");
        using (var b = train.NextBatch()) Assert.Equal(new long[] { 2, 3, 3, 3, 4 }, b.Observations.shape);
        using var val = ClipLoader.FromConfig(config, "val");
        // One 6-frame video: 5 windows of 2 frames, batches of 3 then 2.
        Assert.Equal([3, 2], val.Batches().Select(b => { using (b) return b.BatchSize; }).ToArray());
        config.Training.Batching.ObservationStacking = 2;
        Assert.Contains("observation_stacking", Assert.Throws<GlassException>(() => ClipLoader.FromConfig(config, "train")).Message);
    }
}
