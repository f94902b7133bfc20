using System.Collections;
using Glass.Data;
using Glass.IO;
using Razorvine.Pickle;
using Xunit;

namespace Glass.Tests.Data;

public class DatasetFormatTests
{
    [Fact]
    public void SplittedDatasetReadsFramesMasksAndMetadata()
    {
        var root = TinyDataset.Splitted(frames: 7);
        var train = VideoDataset.Open(root, "train");
        Assert.Equal(["video_000", "video_001", "video_002"], train.Videos.Select(v => v.Name));
        Assert.Equal([7, 9, 7], train.Videos.Select(v => v.FrameCount));
        Assert.True(train.HasMasks);
        var v1 = train.Videos[1];
        Assert.Equal(1001, v1.Identity);
        Assert.Equal(TinyDataset.Metadata(1, 9).ToJson(), v1.Metadata!.ToJson());
        Assert.Equal(TinyDataset.Frame(1, 4).Pixels, ImageIO.ReadRgb(v1.FramePath(4)).Pixels);
        Assert.Equal(TinyDataset.Mask(3).Pixels, ImageIO.ReadGray(v1.MaskPath(3)).Pixels);
        Assert.Equal("video_003", Assert.Single(VideoDataset.Open(root, "validation").Videos).Name);
        Assert.Equal("video_004", Assert.Single(VideoDataset.Open(root, "test").Videos).Name);
    }

    [Fact]
    public void MetadataJsonRoundTripsAndRejectsBadContent()
    {
        var m = TinyDataset.Metadata(2, 5);
        var back = VideoMetadata.Parse(m.ToJson(), "x.json");
        Assert.Equal(m.ToJson(), back.ToJson());
        Assert.Equal(m.Shifts![3], back.Shifts![3]);
        Assert.Contains("unknown key", Assert.Throws<GlassException>(() => VideoMetadata.Parse("{\"globl\": [1]}", "a.json")).Message);
        Assert.Contains("pair", Assert.Throws<GlassException>(() => VideoMetadata.Parse("{\"shifts\": [[1, 2, 3]]}", "a.json")).Message);
        Assert.Contains("a.json", Assert.Throws<GlassException>(() => VideoMetadata.Parse("{\"global\": [1,", "a.json")).Message);
    }

    [Fact]
    public void FlatDatasetIsCutByRatiosAndOffsetLimitsTheListing()
    {
        var root = TestPaths.NewTempDir("glass-flat");
        TinyDataset.WriteVideos(root, Enumerable.Repeat(4, 10).ToArray(), masks: false, metadata: false);
        var train = VideoDataset.Open(root, "train", "flat", splitRatios: [0.8, 0.1, 0.1]);
        var val = VideoDataset.Open(root, "val", "flat", splitRatios: [0.8, 0.1, 0.1]);
        var test = VideoDataset.Open(root, "test", "flat", splitRatios: [0.8, 0.1, 0.1]);
        Assert.Equal(8, train.Videos.Count);
        Assert.Equal("video_008", Assert.Single(val.Videos).Name);
        Assert.Equal("video_009", Assert.Single(test.Videos).Name);
        Assert.False(train.HasMasks);
        Assert.Null(train.Videos[0].Metadata);

        var limited = VideoDataset.Open(root, "train", "flat", offset: 2, maxNumVideos: 3);
        Assert.Equal(["video_002", "video_003", "video_004"], limited.Videos.Select(v => v.Name));
        Assert.Throws<GlassException>(() => VideoDataset.Open(root, "train", "stacked"));
        Assert.Contains("split folder not found", Assert.Throws<GlassException>(() => VideoDataset.Open(root, "train")).Message);
    }

    [Fact]
    public void BrokenVideoFoldersGiveOneLineErrorsNamingTheFile()
    {
        var dir = TestPaths.NewTempDir("glass-broken");
        TinyDataset.WriteVideos(dir, [5, 5, 5, 5]);

        File.Delete(Path.Combine(dir, "video_000", "00002.png"));
        var gap = Assert.Throws<GlassException>(() => VideoFolder.Open(Path.Combine(dir, "video_000")));
        Assert.Contains("00002.png", gap.Message);
        Assert.Contains("gap", gap.Message);

        File.WriteAllText(Path.Combine(dir, "video_001", "actions.json"), TinyDataset.Metadata(1, 4).ToJson());
        var len = Assert.Throws<GlassException>(() => VideoFolder.Open(Path.Combine(dir, "video_001")));
        Assert.Contains("actions.json", len.Message);
        Assert.Contains("4 entries but the video has 5 frames", len.Message);

        File.Delete(Path.Combine(dir, "video_002", "masks", "00004.png"));
        Assert.Contains("4 masks for 5 frames", Assert.Throws<GlassException>(() => VideoFolder.Open(Path.Combine(dir, "video_002"))).Message);

        File.WriteAllBytes(Path.Combine(dir, "video_003", "00001.png"), []);
        var empty = Assert.Throws<GlassException>(() => VideoFolder.Open(Path.Combine(dir, "video_003")));
        Assert.Contains("00001.png", empty.Message);
        Assert.Contains("empty", empty.Message);
    }

    static void WritePickle(string path, object value)
    {
        using var p = new Pickler();
        File.WriteAllBytes(path, p.dumps(value));
    }

    /// <summary>A video in the reference generator's layout: frames, masks/, glactions.pkl, actions.pkl, dones/rewards/metadata.pkl.</summary>
    static string ReferenceVideo(string parent, string name, int frames, object glactions)
    {
        var dir = Path.Combine(parent, name);
        Directory.CreateDirectory(Path.Combine(dir, "masks"));
        for (int f = 0; f < frames; f++)
        {
            ImageIO.WritePng(Path.Combine(dir, $"{f:D5}.png"), TinyDataset.Frame(0, f));
            ImageIO.WritePng(Path.Combine(dir, "masks", $"{f:D5}.png"), TinyDataset.Mask(f));
        }
        WritePickle(Path.Combine(dir, "glactions.pkl"), glactions);
        var nones = new ArrayList(Enumerable.Repeat<object?>(null, frames).ToList());
        WritePickle(Path.Combine(dir, "dones.pkl"), nones);
        WritePickle(Path.Combine(dir, "rewards.pkl"), nones);
        WritePickle(Path.Combine(dir, "metadata.pkl"), nones);
        return dir;
    }

    [Fact]
    public void ReferencePickleLayoutIsReadAndConvertedToOurUnits()
    {
        var root = TestPaths.NewTempDir("glass-ref");
        // Reference units: character 2 dx / 64 and 2 dy / 32; background crop offset 2 d / 25.
        var gl = new Hashtable
        {
            ["global"] = new ArrayList { 1, 3, 4 },
            ["local"] = new ArrayList { 2, 0, 5 },
            ["shifts"] = new ArrayList { new object[] { 2.0 * 7 / 64, 0 }, new object[] { 0, 2.0 * 7 / 32 }, new object[] { 0, 0 } },
            ["bg_shifts"] = new ArrayList { new object[] { 2.0 * 2 / 25, 0 }, new object[] { 0, -2.0 * 2 / 25 }, new object[] { 0, 0 } },
        };
        var dir = ReferenceVideo(Path.Combine(root, "train"), "sprite_000017_video_003", 3, gl);
        WritePickle(Path.Combine(dir, "actions.pkl"), new ArrayList { 1, 3, 4 });
        var video = Assert.Single(VideoDataset.Open(root, "train").Videos);
        Assert.Equal(17, video.Identity);
        Assert.True(video.HasMasks);
        var m = video.Metadata!;
        Assert.Equal([1, 3, 4], m.Global!);
        Assert.Equal([2, 0, 5], m.Local!);
        // 7 px right at 128 wide = 14/128; 7 px down at 96 high = 14/96.
        Assert.Equal(14f / 128f, m.Shifts![0][0], 6);
        Assert.Equal(14f / 96f, m.Shifts[1][1], 6);
        // Crop offset +2 (of the 256 px crop shown 128 wide) moves the content 1 px left: -2/128; vertically 0.75 px up... down for -2.
        Assert.Equal(-2f / 128f, m.BackgroundShifts![0][0], 6);
        Assert.Equal(2f / 128f, m.BackgroundShifts[1][1], 6);

        // PlayableVideoGeneration layout: actions.pkl only, ids used as both global and local.
        var pvg = Path.Combine(root, "pvg");
        Directory.CreateDirectory(pvg);
        ImageIO.WritePng(Path.Combine(pvg, "00000.png"), TinyDataset.Frame(0, 0));
        ImageIO.WritePng(Path.Combine(pvg, "00001.png"), TinyDataset.Frame(0, 1));
        WritePickle(Path.Combine(pvg, "actions.pkl"), new ArrayList { 0, 2 });
        var pv = VideoFolder.Open(pvg);
        Assert.Equal([0, 2], pv.Metadata!.Global!);
        Assert.Equal([0, 2], pv.Metadata.Local!);
        Assert.Null(pv.Metadata.Shifts);
        WritePickle(Path.Combine(pvg, "actions.pkl"), new ArrayList { null, null });
        Assert.Null(VideoFolder.Open(pvg).Metadata!.Global);
    }

    [Fact]
    public void UnexpectedPickleShapesAreReported()
    {
        var root = TestPaths.NewTempDir("glass-badpk");
        var gl = new Hashtable { ["global"] = new ArrayList { 1 }, ["local"] = new ArrayList { 1 } };
        var dir = ReferenceVideo(root, "v", 1, gl);
        var e1 = Assert.Throws<GlassException>(() => VideoFolder.Open(dir));
        Assert.Contains("glactions.pkl", e1.Message);
        Assert.Contains("missing key 'shifts'", e1.Message);

        WritePickle(Path.Combine(dir, "glactions.pkl"), new ArrayList { 1, 2 });
        Assert.Contains("expected a dict", Assert.Throws<GlassException>(() => VideoFolder.Open(dir)).Message);

        WritePickle(Path.Combine(dir, "glactions.pkl"), new Hashtable
        {
            ["global"] = new ArrayList { 1 }, ["local"] = new ArrayList { 1 },
            ["shifts"] = new ArrayList { new object[] { 1.0, 2.0, 3.0 } }, ["bg_shifts"] = new ArrayList { new object[] { 0, 0 } },
        });
        Assert.Contains("'shifts'[0] must be a pair", Assert.Throws<GlassException>(() => VideoFolder.Open(dir)).Message);

        WritePickle(Path.Combine(dir, "glactions.pkl"), new Hashtable
        {
            ["global"] = new ArrayList { "l" }, ["local"] = new ArrayList { 1 },
            ["shifts"] = new ArrayList { new object[] { 0, 0 } }, ["bg_shifts"] = new ArrayList { new object[] { 0, 0 } },
        });
        Assert.Contains("'global'[0] must be an integer", Assert.Throws<GlassException>(() => VideoFolder.Open(dir)).Message);

        WritePickle(Path.Combine(dir, "glactions.pkl"), new Hashtable
        {
            ["global"] = new ArrayList { 1, 1 }, ["local"] = new ArrayList { 1, 1 },
            ["shifts"] = new ArrayList { new object[] { 0, 0 }, new object[] { 0, 0 } }, ["bg_shifts"] = new ArrayList { new object[] { 0, 0 }, new object[] { 0, 0 } },
        });
        Assert.Contains("2 entries but the video has 1 frames", Assert.Throws<GlassException>(() => VideoFolder.Open(dir)).Message);

        File.WriteAllBytes(Path.Combine(dir, "glactions.pkl"), [0x80, 0x02, 0x7d]);
        Assert.Contains("not a readable pickle", Assert.Throws<GlassException>(() => VideoFolder.Open(dir)).Message);
    }
}
