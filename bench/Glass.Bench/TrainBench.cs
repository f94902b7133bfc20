using System.Diagnostics;
using Glass.Config;
using Glass.Model;
using Glass.Runtime;
using Glass.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Bench;

/// <summary>
/// `train [--config FILE] [--batch N] [--frames N] [--gt N] [--local-only [--cached-masks]] [--steps N] [--memory-steps N]`: seconds
/// per training step split into forward, losses, backward and optimizer; peak resident memory; and, with
/// --memory-steps, resident memory sampled over a long loop (should stay flat after warm-up). --local-only times
/// staged training's local-motion step (global-motion networks frozen in eval mode, local terms only), as the
/// trainer runs it; --cached-masks gives it the frozen masks as a warm `training.cache_frozen_masks` does (computed
/// before the clock starts). The last line is `seconds per step (median of N): X`, as bench/reference's script prints.
/// Inputs are random clips of the config's size: the step time does not depend on the data.
/// </summary>
public static class TrainBench
{
    public static int Run(string[] args)
    {
        var a = BenchArgs.Parse(args);
        var config = a.Get("config") is { } path ? GlassConfig.Load(path) : new GlassConfig();
        int batch = a.GetInt("batch", config.Training.Batching.BatchSize);
        int frames = a.GetInt("frames", 6);
        int gt = a.GetInt("gt", Math.Min(5, frames - 1));
        int steps = a.GetInt("steps", 5);
        int memorySteps = a.GetInt("memory-steps", 0);
        bool localOnly = a.Has("local-only");
        bool cachedMasks = a.Has("cached-masks");
        if (cachedMasks && !localOnly) throw new GlassException("--cached-masks times the local-motion-only step: add --local-only");
        if (a.GetInt("threads", 0) is > 0 and var threads) config.Runtime.Threads = threads;
        if (a.Get("convolution-precision") is { } precision) config.Runtime.ConvolutionPrecision = precision;
        config.Validate();
        TorchRuntime.Apply(config.Runtime);
        int w = config.Data.InputSize[0], h = config.Data.InputSize[1];

        random.manual_seed(1);
        var model = new GlassModel(config.Model);
        var optimizer = optim.Adam(localOnly ? model.LocalActionSeparator.parameters() : model.parameters(), lr: 1e-4);
        using var perceptual = config.Training.Perceptual.Mode == "off" ? null : PerceptualNetwork.Create("random", null, CPU);
        Console.WriteLine($"config {a.Get("config") ?? "paper defaults (configs/wsprites.yaml)"}: {model.parameters().Sum(p => p.numel()):N0} parameters, batch {batch} x {frames} frames ({gt} ground truth) at {w}x{h}, {(localOnly ? cachedMasks ? "local-motion-only step on cached masks" : "local-motion-only step" : "full step")}, perceptual {(perceptual is null ? "off" : "on (random VGG)")}, {get_num_threads()} threads, convolutions in {config.Runtime.ConvolutionPrecision}");

        // The trainer's step: --local-only is staged training's local stage, otherwise a joint step after GMA pre-training.
        TrainingStep.Output Forward(Tensor x /* (B, T, 3, H, W) */, Tensor? masks /* (B, T, 1, H, W) */) =>
            TrainingStep.Forward(model, x, gt, 0.4, staged: localOnly, gmaOnly: false, frozenMasks: masks);
        // A warm mask cache: the frozen masking network's masks of the clip, computed outside the timed step.
        Tensor? Masks(Tensor x /* (B, T, 3, H, W) */)
        {
            if (!cachedMasks) return null;
            foreach (var m in model.GlobalMotionNetworks) m.eval();
            using var noGrad = no_grad();
            return model.Segment(x);
        }
        LossTerms Losses(TrainingStep.Output output) => TrainingStep.Losses(output, config.Training, perceptual, gmaOnly: false);

        var times = new List<double[]>();
        for (int s = 0; s < steps + 1; s++)
        {
            using var scope = NewDisposeScope();
            var x = rand(new long[] { batch, frames, 3, h, w }) * 2 - 1;
            var masks = Masks(x);
            var clock = Stopwatch.StartNew();
            var output = Forward(x, masks);
            double tForward = clock.Elapsed.TotalSeconds;
            var losses = Losses(output);
            losses.Total.item<float>();
            double tLoss = clock.Elapsed.TotalSeconds - tForward;
            optimizer.zero_grad();
            losses.Total.backward();
            double tBackward = clock.Elapsed.TotalSeconds - tForward - tLoss;
            optimizer.step();
            double total = clock.Elapsed.TotalSeconds;
            if (s > 0) times.Add([tForward, tLoss, tBackward, total - tForward - tLoss - tBackward, total]); // step 0 warms up
        }
        double Median(int i) => times.Select(t => t[i]).Order().ElementAt(times.Count / 2);
        if (localOnly)
        {
            // The frozen masking network inside the local step's forward: what a warm mask cache saves.
            foreach (var m in model.GlobalMotionNetworks) m.eval();
            var gma = new List<double>();
            for (int s = 0; s < steps; s++)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var x = rand(new long[] { batch, frames, 3, h, w }) * 2 - 1;
                var clock = Stopwatch.StartNew();
                model.Segment(x);
                gma.Add(clock.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"of the forward, the frozen masking network alone (median of {steps}): {gma.Order().ElementAt(steps / 2):F3} s");
        }
        Console.WriteLine($"peak resident memory: {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MiB");
        Console.WriteLine($"seconds per step (median of {times.Count}): {Median(4):F3}  = forward {Median(0):F3} + losses {Median(1):F3} + backward {Median(2):F3} + optimizer {Median(3):F3}");

        if (memorySteps > 0)
        {
            var samples = new List<(int Step, long Rss)>();
            for (int s = 0; s < memorySteps; s++)
            {
                using (var scope = NewDisposeScope())
                {
                    var x = rand(new long[] { batch, frames, 3, h, w }) * 2 - 1;
                    var losses = Losses(Forward(x, Masks(x)));
                    optimizer.zero_grad();
                    losses.Total.backward();
                    optimizer.step();
                }
                if (s % 25 == 0 || s == memorySteps - 1) samples.Add((s, Process.GetCurrentProcess().WorkingSet64));
            }
            var warm = samples.First(p => p.Step >= Math.Min(50, memorySteps / 4));
            var last = samples[^1];
            Console.WriteLine("resident memory over the loop (MiB): " + string.Join(" ", samples.Select(p => $"{p.Step}:{p.Rss >> 20}")));
            Console.WriteLine($"growth after warm-up (step {warm.Step} -> {last.Step}): {100.0 * (last.Rss - warm.Rss) / warm.Rss:F1}%");
        }
        return 0;
    }
}
