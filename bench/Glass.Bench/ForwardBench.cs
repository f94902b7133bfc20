using System.Diagnostics;
using Glass.Config;
using Glass.Generation;
using Glass.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Bench;

/// <summary>
/// Evaluation forward time per frame (eval mode, no gradients, teacher-forced on T-1 frames with the
/// generated path, as the reference's evaluation) and generation step time, for the paper configuration
/// and the narrowed CPU configuration of docs/cpu-training-notes.md.
/// </summary>
public static class ForwardBench
{
    public const string Usage = "forward [--frames 12] [--batch 1] [--repeats 3] [--threads N] [--only paper|small]";

    /// <summary>The narrowed CPU model of the training notes: 64x48 frames, 2.4 M parameters.</summary>
    public static ModelConfig SmallConfig()
    {
        var c = new ModelConfig();
        c.MaskingNetwork.StemChannels = 32;
        c.MaskingNetwork.HiddenChannels = 64;
        c.MaskingNetwork.NumExtraBlocks = 2;
        c.MaskingNetwork.DecoderChannels = 32;
        c.ActionSeparator.RepresentationNetwork.OutChannels = 32;
        c.ActionSeparator.ActionNetwork.StateSize = 32;
        c.ActionSeparator.DynamicsNetwork.StateResolution = [6, 8];
        return c;
    }

    public static int Run(string[] args)
    {
        int frames = 12, batch = 1, repeats = 3, threads = 0;
        string? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value; usage: {Usage}");
            switch (args[i])
            {
                case "--frames": frames = int.Parse(Next()); break;
                case "--batch": batch = int.Parse(Next()); break;
                case "--repeats": repeats = int.Parse(Next()); break;
                case "--threads": threads = int.Parse(Next()); break;
                case "--only": only = Next(); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}; usage: {Usage}"); return 2;
            }
        }
        if (threads > 0) torch.set_num_threads(threads);
        Console.WriteLine($"threads {torch.get_num_threads()}, batch {batch}, {frames} frames, best and median of {repeats} after one warm-up");
        if (only is null or "paper") Measure("paper", new ModelConfig(), batch, frames, repeats);
        if (only is null or "small") Measure("small (cpu notes)", SmallConfig(), batch, frames, repeats);
        return 0;
    }

    static void Measure(string name, ModelConfig config, int batch, int frames, int repeats)
    {
        torch.manual_seed(1);
        var model = new GlassModel(config);
        model.eval();
        var r = config.ActionSeparator.DynamicsNetwork.StateResolution;
        long h = 8 * r[0], w = 8 * r[1];
        long parameters = model.parameters().Sum(p => p.numel());
        using var input = torch.rand([batch, frames, 3, h, w]) * 2 - 1;

        var forward = Time(repeats, () =>
        {
            using var scope = NewDisposeScope();
            model.Infer(input, frames - 1, 0.4, outputGenerated: true);
        });
        var step = Time(repeats, () =>
        {
            using var scope = NewDisposeScope();
            using var session = new GenerationSession(model, input[.., 0]);
            for (int i = 0; i < frames - 1; i++) session.Step(0.07, 0, i % model.NumLocalActions);
        });
        int n = batch * frames, g = batch * (frames - 1);
        Console.WriteLine($"{name}: {parameters / 1e6:F2} M parameters, {w}x{h}");
        Console.WriteLine($"  eval forward: {forward.Median / n:F1} ms per frame wall (best {forward.Best / n:F1}), {forward.Cpu / n:F1} ms per frame CPU time; {forward.Median:F0} ms per clip");
        Console.WriteLine($"  generation session ({frames - 1} steps + set-up): {step.Median / g:F1} ms per frame wall (best {step.Best / g:F1}), {step.Cpu / g:F1} ms per frame CPU time");
    }

    /// <summary>Median and best wall time, and median process CPU time (all threads), in ms. CPU time is the
    /// figure to compare on a shared machine: other processes inflate wall time, not this process's work.</summary>
    static (double Median, double Best, double Cpu) Time(int repeats, Action action)
    {
        action(); // warm-up: first-call allocations and oneDNN kernel generation
        var times = new List<double>();
        var cpu = new List<double>();
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
            Console.Error.Write($"\r  run {i + 1}/{repeats}: {times[^1]:F0} ms   ");
        }
        Console.Error.Write("\r                                  \r");
        times.Sort();
        cpu.Sort();
        return (times[times.Count / 2], times[0], cpu[cpu.Count / 2]);
    }
}
