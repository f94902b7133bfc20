using Glass.Config;
using Glass.Tests.Data;
using Glass.Web.Play;
using Xunit;

namespace Glass.Tests.Web;

public class DatasetStartSourceTests
{
    [Fact]
    public void OffersTheFirstFramesOfTheTestSplit()
    {
        var root = TinyDataset.Splitted();
        var source = new DatasetStartSource(root, new DataConfig { Crop = [0, 0, TinyDataset.Width, TinyDataset.Height], InputSize = [TinyDataset.Width, TinyDataset.Height] });
        Assert.Equal(1, source.Count);
        Assert.Equal("video_004", source.Label(0));
        Assert.Equal(TinyDataset.Frame(4, 0).Pixels, source.Load(0).Pixels);

        // Cropped and resized as the config says.
        var half = new DatasetStartSource(root, new DataConfig { Crop = [0, 0, 4, 6], InputSize = [2, 3] });
        var image = half.Load(0);
        Assert.Equal((2, 3), (image.Width, image.Height));
    }

    [Fact]
    public void MissingTestSplitIsAClearError()
    {
        var root = TestPaths.NewTempDir("glass-nodata");
        var e = Assert.Throws<GlassException>(() => new DatasetStartSource(root, new DataConfig()));
        Assert.Contains("test", e.Message);
    }
}
