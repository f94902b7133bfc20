using System.Diagnostics;
using Glass.Checkpoints;
using Glass.IO;
using Glass.Model;
using Glass.Runtime;
using Glass.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Glass.Tests.Training;

// Two training runs in one process must match exactly: no other test may touch torch's global generator meanwhile.
[Collection(nameof(GlobalTorchRandom))]
public class TrainerTests(Xunit.Abstractions.ITestOutputHelper output)
{

    static Trainer NewTrainer(Glass.Config.GlassConfig config, string runDir, bool resume = false)
    {
        random.manual_seed(config.Training.Seed);
        var model = new GlassModel(config.Model);
        var run = new RunDirectory(runDir);
        long start = 0;
        if (resume) { using var c = GlassCheckpoint.Read(run.LatestCheckpoint); start = c.GlobalStep; }
        var data = TrainingSession.OpenTrainingData(config, new Schedules(config.Training), start, CPU);
        return new Trainer(config, model, data, run, CPU, resume ? run.LatestCheckpoint : null);
    }

    [Fact]
    public void AFewStepsLowerTheLossOnAFixedBatch()
    {
        var config = TinySetup.Config(TinySetup.Dataset());
        random.manual_seed(3);
        var model = new GlassModel(config.Model);
        using var data = TrainingSession.OpenTrainingData(config, new Schedules(config.Training), 0, CPU);
        using var batch = data.NextBatch(); // 3 frames at step 0 of the tiny curriculum
        var optimizer = optim.Adam(model.parameters(), lr: 2e-3);
        model.train();
        double first = 0, last = 0;
        for (int i = 0; i < 25; i++)
        {
            using var scope = NewDisposeScope();
            var output = model.Forward(batch.Observations, 2, 0.4);
            var losses = LossTerms.Compute(output, config.Training, null, gmaOnly: false);
            optimizer.zero_grad();
            losses.Total.backward();
            optimizer.step();
            double value = losses.Total.item<float>();
            if (i == 0) first = value;
            last = value;
        }
        Assert.True(last < 0.8 * first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void ResumingGivesTheSameParametersAsAnUninterruptedRun()
    {
        var root = TinySetup.Dataset();
        var config = TinySetup.Config(root);
        config.Training.MaxSteps = 6;
        // Our two additions keep resumes exact: restart windows end at steps 3 and 6, and the BatchNorm
        // statistics are re-estimated at the end of each finished run (also the 3-step one).
        config.Training.CodeRestartEvery = 3;
        config.Training.BnRecalibrationBatches = 2;

        var straight = TestPaths.NewTempDir("glass-run");
        using (var t = NewTrainer(config, straight)) t.Run(CancellationToken.None);

        var interrupted = TestPaths.NewTempDir("glass-run");
        var partial = config.Clone();
        partial.Training.MaxSteps = 3; // stops and checkpoints mid-curriculum (frames grow at step 2..4)
        using (var t = NewTrainer(partial, interrupted)) t.Run(CancellationToken.None);
        using (var t = NewTrainer(config, interrupted, resume: true))
        {
            Assert.Equal(3, t.Step);
            t.Run(CancellationToken.None);
        }

        using var a = GlassCheckpoint.Read(Path.Combine(straight, "checkpoints", "latest.glass"));
        using var b = GlassCheckpoint.Read(Path.Combine(interrupted, "checkpoints", "latest.glass"));
        Assert.Equal(6, a.GlobalStep);
        Assert.Equal(6, b.GlobalStep);
        foreach (var (name, value) in a.ModelState)
        {
            double diff = (value.to_type(float64) - b.ModelState[name].to_type(float64)).abs().max().item<double>();
            Assert.True(diff <= 1e-6, $"{name} differs by {diff}");
        }
        // The run folder holds what the docs promise.
        Assert.True(File.Exists(Path.Combine(interrupted, "scalars.jsonl")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(interrupted, "tensorboard"), "*", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(interrupted, "media"), "*.png"));
    }

    [Fact]
    public void StagedTrainingChangesOneAnalysisAtATimeAndResumesExactly()
    {
        var root = TinySetup.Dataset();
        var config = TinySetup.Config(root);
        config.Model.ActionSeparator.StateDownsampling = 4;
        config.Model.ActionSeparator.DynamicsNetwork.StateResolution = [TinySetup.Height / 4, TinySetup.Width / 4];
        config.Model.ActionSeparator.DynamicsNetwork.Normalization = "per_step";
        config.Training.Staged = true;
        config.Training.PretrainingStepsGma = 2;
        config.Training.MaxSteps = 4;
        config.Training.BnRecalibrationBatches = 2;
        config.Training.LossParams.LocalWeightBias = 0.5;
        config.Validate();
        static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
        static bool IsLocal(string name) => name.StartsWith("local_action_separator.");

        random.manual_seed(config.Training.Seed); // as NewTrainer: the initial weights of both runs below
        using var initialModel = new GlassModel(config.Model);
        var initial = initialModel.state_dict();
        var staged = TestPaths.NewTempDir("glass-run");
        var gma = config.Clone();
        gma.Training.MaxSteps = 2; // the global-motion stage alone
        gma.Training.BnRecalibrationBatches = 0; // a finished run re-estimates the local statistics; the uninterrupted one does not at step 2
        using (var t = NewTrainer(gma, staged)) t.Run(CancellationToken.None);
        using (var b = GlassCheckpoint.Read(Path.Combine(staged, "checkpoints", "latest.glass")))
        {
            // Stage 1: local motion is never run, so its weights and statistics are the initial ones; global motion learned.
            foreach (var (name, value) in initial)
                if (IsLocal(name)) Assert.True(Same(value, b.ModelState[name]), $"{name} changed during the global-motion stage");
            Assert.Contains(initial, p => !IsLocal(p.Key) && !Same(p.Value, b.ModelState[p.Key]));
        }
        var afterGma = GlassCheckpoint.Read(Path.Combine(staged, "checkpoints", "latest.glass"));
        using (var t = NewTrainer(config, staged, resume: true)) t.Run(CancellationToken.None);
        var straight = TestPaths.NewTempDir("glass-run");
        using (var t = NewTrainer(config, straight)) t.Run(CancellationToken.None);
        using var resumed = GlassCheckpoint.Read(Path.Combine(staged, "checkpoints", "latest.glass"));
        using var uninterrupted = GlassCheckpoint.Read(Path.Combine(straight, "checkpoints", "latest.glass"));
        using (afterGma)
        {
            // Stage 2: global motion frozen bit for bit (weights and BatchNorm statistics), local motion learned.
            foreach (var (name, value) in afterGma.ModelState)
                if (!IsLocal(name)) Assert.True(Same(value, resumed.ModelState[name]), $"{name} changed during the local-motion stage");
            Assert.Contains(afterGma.ModelState, p => IsLocal(p.Key) && p.Key.EndsWith("weight") && !Same(p.Value, resumed.ModelState[p.Key]));
        }
        foreach (var (name, value) in uninterrupted.ModelState)
        {
            double diff = (value.to_type(float64) - resumed.ModelState[name].to_type(float64)).abs().max().item<double>();
            Assert.True(diff <= 1e-6, $"{name} differs by {diff} between the resumed and the uninterrupted staged run");
        }
    }

    [Fact]
    public void CachedFrozenMasksTrainTheLocalStageAsComputedOnes()
    {
        var config = TinySetup.Config(TinySetup.Dataset());
        config.Training.Staged = true;
        config.Training.PretrainingStepsGma = 2;
        config.Training.MaxSteps = 6;
        var cached = config.Clone();
        cached.Training.CacheFrozenMasks = true;
        cached.Validate();

        var plainDir = TestPaths.NewTempDir("glass-run");
        using (var t = NewTrainer(config, plainDir)) t.Run(CancellationToken.None);
        var cachedDir = TestPaths.NewTempDir("glass-run");
        using (var t = NewTrainer(cached, cachedDir)) t.Run(CancellationToken.None);

        using var a = GlassCheckpoint.Read(Path.Combine(plainDir, "checkpoints", "latest.glass"));
        using var b = GlassCheckpoint.Read(Path.Combine(cachedDir, "checkpoints", "latest.glass"));
        double largest = 0;
        foreach (var (name, value) in a.ModelState)
            largest = Math.Max(largest, (value.to_type(float64) - b.ModelState[name].to_type(float64)).abs().max().item<double>());
        output.WriteLine($"largest parameter difference after 4 local steps, cached against computed masks: {largest:E2}");
        Assert.True(largest <= 1e-4, $"a parameter differs by {largest}");
        // 3 videos of 8 frames: the 4 local steps met some of the 24 frames, and the log says how many.
        var log = File.ReadAllLines(Path.Combine(cachedDir, "scalars.jsonl"));
        Assert.Contains(log, line => line.Contains("\"frozen_masks_cached\""));
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(plainDir, "scalars.jsonl")), line => line.Contains("frozen_masks_cached"));
    }

    [Fact]
    public void AnInterruptedCheckpointWriteLeavesThePreviousOneLoadable()
    {
        var config = TinySetup.Config(TinySetup.Dataset());
        var runDir = TestPaths.NewTempDir("glass-run");
        config.Training.MaxSteps = 2;
        using (var t = NewTrainer(config, runDir)) t.Run(CancellationToken.None);
        var latest = Path.Combine(runDir, "checkpoints", "latest.glass");
        var before = File.ReadAllBytes(latest);
        // A write that dies half-way (a full disk, a kill) must not touch the file it replaces.
        Assert.ThrowsAny<Exception>(() => AtomicFile.Write(latest, "checkpoint", s =>
        {
            s.Write(new byte[1000]);
            throw new IOException("No space left on device");
        }));
        Assert.Equal(before, File.ReadAllBytes(latest));
        using var c = GlassCheckpoint.Read(latest);
        Assert.Equal(2, c.GlobalStep);
        // and the run resumes from it
        config.Training.MaxSteps = 3;
        using var resumed = NewTrainer(config, runDir, resume: true);
        Assert.Equal(2, resumed.Step);
    }

    [Fact]
    public void MemoryStaysFlatOverATrainingLoop()
    {
        var config = TinySetup.Config(TinySetup.Dataset());
        config.Training.MediaEvery = 1000;
        config.Training.CheckpointEvery = 1000;
        config.Training.NumObservationsIncreaseStart = 0;
        using var t = NewTrainer(config, TestPaths.NewTempDir("glass-run"));
        for (int i = 0; i < 10; i++) t.TrainStep();
        GC.Collect();
        long liveAfterWarmup = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long rssAfterWarmup = Process.GetCurrentProcess().WorkingSet64;
        for (int i = 0; i < 40; i++) t.TrainStep();
        GC.Collect();
        long liveAtEnd = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long rssAtEnd = Process.GetCurrentProcess().WorkingSet64;
        Assert.True(liveAtEnd - liveAfterWarmup <= 4, $"live tensors grew from {liveAfterWarmup} to {liveAtEnd}");
        // Resident memory is shared with the test classes xunit runs in parallel, so it is only reported here;
        // `bench train --memory-steps 300` measures it in a process of its own (docs/training.md).
        output.WriteLine($"resident memory {rssAfterWarmup >> 20} MiB after warm-up, {rssAtEnd >> 20} MiB after 40 more steps");
    }
}
