using Glass.Config;
using Glass.Training;
using Xunit;

namespace Glass.Tests.Training;

public class SchedulesTests
{
    static Schedules Paper() => new(new TrainingConfig());

    [Theory]
    [InlineData(0, 6)]
    [InlineData(50000, 6)]
    [InlineData(54999, 6)]   // 4999/30000*6 = 0.9998 truncates to 0
    [InlineData(55000, 7)]
    [InlineData(65000, 9)]
    [InlineData(80000, 12)]
    [InlineData(80001, 12)]
    [InlineData(500000, 12)]
    public void FramesPerClipGrowAsTheReference(long step, int expected) => Assert.Equal(expected, Paper().NumObservations(step));

    [Theory]
    [InlineData(0, 5)]
    [InlineData(6249, 5)]    // 6249/25000*4 = 0.99984 truncates to 0
    [InlineData(6250, 4)]
    [InlineData(12500, 3)]
    [InlineData(24999, 2)]
    [InlineData(25000, 1)]
    [InlineData(90000, 1)]
    public void GroundTruthFramesFallAsTheReference(long step, int expected) => Assert.Equal(expected, Paper().NumGroundTruthObservations(step));

    [Fact]
    public void GumbelTemperatureAnnealsLinearly()
    {
        var config = new TrainingConfig { GumbelTemperatureStart = 1.0, GumbelTemperatureEnd = 0.5, GumbelTemperatureDecreaseStart = 100, GumbelTemperatureSteps = 100 };
        var s = new Schedules(config);
        Assert.Equal(1.0, s.GumbelTemperature(0));
        Assert.Equal(1.0, s.GumbelTemperature(100));
        Assert.Equal(0.75, s.GumbelTemperature(150), 12);
        Assert.Equal(0.5, s.GumbelTemperature(200), 12);
        Assert.Equal(0.5, s.GumbelTemperature(10_000));
    }

    [Fact]
    public void GmaPretrainingCoversTheFirstSteps()
    {
        var s = Paper();
        Assert.True(s.IsGmaPretraining(0));
        Assert.True(s.IsGmaPretraining(2999));
        Assert.False(s.IsGmaPretraining(3000));
    }

    [Fact]
    public void LearningRateFollowsMultiStepLR()
    {
        var s = Paper();
        Assert.Equal(1.0, s.LearningRateFactor(0));
        Assert.Equal(1.0, s.LearningRateFactor(299_999));
        Assert.Equal(0.3333, s.LearningRateFactor(300_000), 12);
        Assert.Equal(0.3333 * 0.3333, s.LearningRateFactor(1_000_000), 12);
    }
}
