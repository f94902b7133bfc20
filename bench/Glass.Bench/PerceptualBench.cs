using System.Diagnostics;
using Glass.Model.Layers;
using Glass.Training;
using static TorchSharp.torch;

namespace Glass.Bench;

/// <summary>
/// `perceptual [--batch 20] [--reps 3] [--threads N]`: the perceptual terms' VGG-19 work of one paper-config
/// training step (features of the targets without gradients, features of the predictions forward and backward,
/// at 128x96, 64x48 and 32x24 plus the background term at 128x96), with the weights in NCHW and in
/// channels-last, alternately, so the layout choice of <see cref="PerceptualNetwork"/> can be checked on a CPU.
/// </summary>
public static class PerceptualBench
{
    public const string Usage = "perceptual [--batch 20] [--reps 3] [--threads N]";

    public static int Run(string[] args)
    {
        var a = BenchArgs.Parse(args);
        int batch = a.GetInt("batch", 20), reps = a.GetInt("reps", 3), threads = a.GetInt("threads", 0);
        if (threads > 0) set_num_threads(threads);
        random.manual_seed(1);
        var nchw = new Vgg19();
        var cl = new Vgg19();
        cl.load_state_dict(nchw.state_dict());
        nchw.eval();
        cl.eval();
        ChannelsLast.Apply(cl);
        (int W, int H)[] sizes = [(128, 96), (128, 96), (64, 48), (32, 24)];
        Console.WriteLine($"VGG-19 perceptual work of a paper step: batch {batch} at {string.Join(", ", sizes.Select(s => $"{s.W}x{s.H}"))}, {get_num_threads()} threads");
        var times = new Dictionary<string, List<double>> { ["nchw"] = [], ["channels-last"] = [] };
        for (int r = 0; r < reps + 1; r++)
            foreach (var (name, vgg) in new[] { ("nchw", nchw), ("channels-last", cl) })
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                foreach (var (w, h) in sizes)
                {
                    var target = rand(new long[] { 1, batch, 3, h, w }) * 2 - 1;
                    var prediction = (rand(new long[] { 1, batch, 3, h, w }) * 2 - 1).requires_grad_();
                    Losses.Perceptual(vgg.call, target, prediction).backward();
                }
                if (r > 0) times[name].Add(clock.Elapsed.TotalSeconds); // round 0 warms up
            }
        foreach (var (name, t) in times)
            Console.WriteLine($"{name,-14} seconds (median of {t.Count}): {t.Order().ElementAt(t.Count / 2):F3}  all: {string.Join(" ", t.Select(x => x.ToString("F3")))}");
        return 0;
    }
}
