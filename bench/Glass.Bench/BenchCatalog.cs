namespace Glass.Bench;

/// <summary>Every benchmark by name, one file each. Benchmarks print figures; they never assert.</summary>
public static class BenchCatalog
{
    static readonly Dictionary<string, (string Description, Func<string[], int> Run)> Benchmarks = new()
    {
        ["forward"] = ("eval forward and generation time per frame, paper and small CPU configs: " + ForwardBench.Usage, ForwardBench.Run),
        ["train"] = ("seconds per training step (forward/losses/backward), peak and long-run memory", TrainBench.Run),
        ["serve-load"] = ("playground latency and session isolation under concurrent sessions: " + ServeLoadBench.Usage, ServeLoadBench.Run),
        ["data"] = ("W-Sprites videos/s (built-in, LPC) and loader batches/s for 4 x 12 frames at 128x96", DataBench.Run),
        ["layers"] = ("forward/backward time of the paper masking network's main operations, NCHW vs channels-last: " + LayerBench.Usage, LayerBench.Run),
        ["perceptual"] = ("the perceptual terms' VGG-19 time of a paper step, NCHW vs channels-last weights: " + PerceptualBench.Usage, PerceptualBench.Run),
        ["generate"] = ("frames/s of step-wise generation, batch 1 and 8, CPU and paper configs", GenerateBench.Run),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || !Benchmarks.TryGetValue(args[0], out var bench))
        {
            Console.WriteLine("benchmarks:");
            foreach (var (name, b) in Benchmarks) Console.WriteLine($"  {name,-16} {b.Description}");
            return args.Length == 0 ? 0 : 2;
        }
        Glass.Runtime.TorchRuntime.Initialize();
        return bench.Run(args[1..]);
    }
}
