using System.Diagnostics;
using Glass.Config;
using Glass.Model;
using Glass.Model.GlobalMotion;
using Glass.Model.Layers;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Bench;

/// <summary>
/// Forward and backward time of the operations that dominate the paper's masking network (256-channel
/// convolutions on 24 frames at 1/4 and 1/2 of 128x96, BatchNorm + LeakyReLU), each in NCHW and in
/// channels-last, so a slow training step can be traced to an operation and a layout.
/// </summary>
public static class LayerBench
{
    public const string Usage = "[--threads 2] [--batch 24] [--reps 3] | --config FILE [--frames 6]";

    public static int Run(string[] argv)
    {
        var args = BenchArgs.Parse(argv);
        torch.set_num_threads(args.GetInt("threads", 2));
        int n = args.GetInt("batch", 24), reps = args.GetInt("reps", 3);
        torch.manual_seed(0);
        if (args.Get("config") is { } configPath) return PerNetwork(GlassConfig.Load(configPath), args.GetInt("frames", 6), reps);
        Console.WriteLine($"libtorch threads {torch.get_num_threads()}, batch {n}, best of {reps}");
        foreach (bool cl in new[] { false, true })
        {
            string tag = cl ? "CL  " : "NCHW";
            Tensor Lay(Tensor t) => cl ? ChannelsLast.Of(t) : t;
            using var w3 = Lay(torch.randn(256, 256, 3, 3) * 0.02).requires_grad_();
            using var bn = nn.BatchNorm2d(256);
            Time($"{tag} conv3x3 256 @24x32", reps, () => Lay(torch.randn(n, 256, 24, 32)), x => F.conv2d(x, w3, padding: [1, 1]));
            Time($"{tag} conv3x3+pool 256 @48x64", reps, () => Lay(torch.randn(n, 256, 48, 64)), x => F.avg_pool2d(F.conv2d(x, w3, padding: [1, 1]), 2));
            Time($"{tag} pooled conv (4x4/2) 256 @48x64", reps, () => Lay(torch.randn(n, 256, 48, 64)), x => PooledConvolution.Conv3x3AvgPool2(x, w3));
            Time($"{tag} bn+lrelu 256 @24x32", reps, () => Lay(torch.randn(n, 256, 24, 32)), x => F.leaky_relu(bn.forward(x), 0.2));
        }
        // bfloat16 (for CPUs with AVX512_BF16): the same convolutions with input and weight cast from float32 master
        // copies inside the timed region, as mixed precision would run them; gradients flow back to the float32 tensors.
        foreach (bool cl in new[] { false, true })
        {
            string tag = cl ? "BF16 CL  " : "BF16 NCHW";
            Tensor Lay(Tensor t) => cl ? ChannelsLast.Of(t) : t;
            using var w3 = Lay(torch.randn(256, 256, 3, 3) * 0.02).requires_grad_();
            Tensor Conv(Tensor x) => F.conv2d(x.to(bfloat16), w3.to(bfloat16), padding: [1, 1]).to(float32);
            Time($"{tag} conv3x3 256 @24x32", reps, () => Lay(torch.randn(n, 256, 24, 32)), Conv);
            Time($"{tag} conv3x3+pool 256 @48x64", reps, () => Lay(torch.randn(n, 256, 48, 64)), x => F.avg_pool2d(Conv(x), 2));
        }
        foreach (bool cl in new[] { false, true })
        {
            using var masking = new MaskingNetwork();
            masking.train();
            if (cl) ChannelsLast.Apply(masking);
            Time($"{(cl ? "CL  " : "NCHW")} masking network (paper) @96x128", reps, () => torch.randn(n, 3, 96, 128), x => masking.forward(x));
        }
        return 0;
    }

    /// <summary>Forward and backward of each network on the inputs it gets in a training step of the
    /// config (B x T frames), in training mode with the model's channels-last weights.</summary>
    static int PerNetwork(GlassConfig config, int frames, int reps)
    {
        int b = config.Training.Batching.BatchSize, w = config.Data.InputSize[0], h = config.Data.InputSize[1];
        using var model = new GlassModel(config.Model);
        model.train();
        var las = model.LocalActionSeparator;
        int renderChannels = config.Model.ActionSeparator.RenderingNetwork.InChannels;
        var (sh, sw) = (config.Model.ActionSeparator.DynamicsNetwork.StateResolution[0], config.Model.ActionSeparator.DynamicsNetwork.StateResolution[1]);
        Console.WriteLine($"per network, batch {b} x {frames} frames at {w}x{h}:");
        Time("masking network", reps, () => Rand(b * frames, 3, h, w) * 2 - 1, x => model.MaskingNetwork.forward(x));
        Time("inpainting network", reps, () => Rand(b, frames, 3, h, w) * 2 - 1,
            x => model.InpaintingNetwork.Forward(x, Rand(b, frames, 1, h, w)).InpaintedBackgrounds);
        Time("foreground motion network", reps, () => Rand(b, frames - 1, 6, h, w) * 2 - 1, x => model.ForegroundMotion.forward(x));
        Time("background motion network", reps, () => Rand(b, frames - 1, 6, h, w) * 2 - 1, x => model.BackgroundMotion.forward(x));
        Time("representation network", reps, () => Rand(b * frames, 3, h, w) * 2 - 1, x => las.Representation.forward(x));
        Time("rendering network (one step)", reps, () => torch.rand(b * (frames - 1), renderChannels, sh, sw),
            x => { var r = las.Rendering.Forward(x); return torch.cat(r.Foregrounds.Append(r.Masks).Select(t => t.flatten()).ToArray()); });
        return 0;
    }

    static Tensor Rand(params long[] shape) => torch.rand(shape);

    static void Time(string name, int reps, Func<Tensor> input /* (N, C, H, W) */, Func<Tensor, Tensor> op)
    {
        double bestF = double.MaxValue, bestB = double.MaxValue;
        for (int r = 0; r <= reps; r++)
        {
            using var scope = NewDisposeScope();
            var x = input().requires_grad_();
            var sw = Stopwatch.StartNew();
            var y = op(x);
            double f = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            y.sum().backward();
            double b = sw.Elapsed.TotalMilliseconds;
            if (r > 0) { bestF = Math.Min(bestF, f); bestB = Math.Min(bestB, b); } // first run warms up
        }
        Console.WriteLine($"{name}: fwd {bestF:F0} ms  bwd {bestB:F0} ms");
    }
}
