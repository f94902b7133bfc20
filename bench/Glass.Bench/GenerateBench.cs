using System.Diagnostics;
using Glass.Config;
using Glass.Generation;
using Glass.Model;
using TorchSharp;

namespace Glass.Bench;

/// <summary>
/// `generate`: frames per second of step-wise generation (<see cref="Animator"/>), batch 1 and 8, for
/// given configs (default: the CPU config and the paper config), on a randomly initialised model
/// (speed does not depend on the weights). Reports the one-off start cost (segmentation and
/// inpainting of the first frames) apart from the per-step cost.
/// </summary>
public static class GenerateBench
{
    public static int Run(string[] args)
    {
        var configs = new List<string>();
        var batches = new List<int>();
        int steps = 40, warmup = 5;
        bool profile = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config": configs.Add(args[++i]); break;
                case "--batch": batches.AddRange(args[++i].Split(',').Select(int.Parse)); break;
                case "--steps": steps = int.Parse(args[++i]); break;
                case "--warmup": warmup = int.Parse(args[++i]); break;
                case "--threads": torch.set_num_threads(int.Parse(args[++i])); break;
                case "--profile": profile = true; break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: generate [--config FILE]... [--batch 1,8] [--steps 40] [--warmup 5] [--threads N] [--profile]");
                    return 2;
            }
        }
        if (configs.Count == 0) configs.AddRange(["configs/wsprites-cpu.yaml", "configs/wsprites.yaml"]);
        if (batches.Count == 0) batches.AddRange([1, 8]);

        Console.WriteLine($"generate: libtorch threads {torch.get_num_threads()}, {steps} timed steps after {warmup} warm-up steps, random weights");
        // CPU time next to wall time: on a shared machine the wall clock also counts waiting for a core.
        Console.WriteLine($"{"config",-28} {"input",-8} {"params",8} {"batch",5} {"start ms",9} {"step ms",8} {"cpu ms",7} {"frames/s",9} {"per cpu-s",9}");
        foreach (var path in configs)
        {
            var config = GlassConfig.Load(path);
            torch.manual_seed(1);
            using var model = new GlassModel(config.Model, TorchRuntimeDevice(config));
            var parameters = model.parameters().Sum(p => p.numel());
            using var animator = new Animator(model, config);
            foreach (var batch in batches)
            {
                using var scope = torch.NewDisposeScope();
                var starts = torch.rand(batch, 3, animator.Height, animator.Width, device: animator.Device) * 2 - 1;
                var actions = Enumerable.Range(0, batch).Select(b => new ActionStep(0.07, 0, b % animator.NumLocalActions, "bench")).ToList();

                var clock = Stopwatch.StartNew();
                animator.Start(starts);
                var startMs = clock.Elapsed.TotalMilliseconds;
                for (int i = 0; i < warmup; i++) animator.Step(actions).Dispose();
                animator.Reset();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                clock.Restart();
                for (int i = 0; i < steps; i++)
                {
                    using var step = animator.Step(actions);
                    _ = step.Frames.data<float>()[0]; // wait for the result as a caller would
                }
                var stepMs = clock.Elapsed.TotalMilliseconds / steps;
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / steps;
                Console.WriteLine($"{Path.GetFileName(path),-28} {animator.Width + "x" + animator.Height,-8} {parameters / 1e6,7:F2}M {batch,5} {startMs,9:F1} {stepMs,8:F1} {cpuMs,7:F1} {batch * 1000 / stepMs,9:F1} {batch * 1000 / cpuMs,9:F1}");
                if (profile) Profile(model, starts, steps);
            }
        }
        return 0;
    }

    /// <summary>CPU milliseconds of each part of one generation step (what <see cref="GenerationSession.Step"/> runs).</summary>
    static void Profile(GlassModel model, torch.Tensor starts /* (B, 3, H, W) */, int repeats)
    {
        using var noGrad = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        var las = model.LocalActionSeparator;
        long b = starts.shape[0];
        var memory = las.Dynamics.InitialMemory(b);
        var ids = torch.zeros(b, dtype: torch.int64);
        var codes = las.Actions.CodesOf(ids);
        var shifts = torch.zeros(b, 2);
        var states = las.Compress(las.Encode(starts).States);
        var (next, _) = las.Dynamics.Step(states, codes, shifts, memory);
        var rendered = las.Rendering.Forward(next);
        var parts = new (string Name, Action Run)[]
        {
            ("encode", () => las.Encode(starts)),
            ("compress", () => las.Compress(las.Encode(starts).States)),
            ("dynamics", () => las.Dynamics.Step(states, codes, shifts, memory)),
            ("render", () => las.Rendering.Forward(next)),
            ("background", () => Glass.Model.Layers.SpatialTransform.Shift(starts, shifts, torch.GridSamplePaddingMode.Border, torch.GridSampleMode.Nearest)),
            ("composite", () => _ = rendered.Masks * rendered.Foregrounds[0] + (1 - rendered.Masks) * starts),
        };
        var line = new List<string>();
        foreach (var (name, run) in parts)
        {
            for (int i = 0; i < 2; i++) { using var s = torch.NewDisposeScope(); run(); }
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (int i = 0; i < repeats; i++) { using var s = torch.NewDisposeScope(); run(); }
            line.Add($"{name} {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / repeats:F1}");
        }
        Console.WriteLine($"    cpu ms per part: {string.Join(", ", line)} (compress includes encode)");
    }

    static torch.Device TorchRuntimeDevice(GlassConfig config) => Glass.Runtime.TorchRuntime.ParseDevice(config.Runtime.Device);
}
