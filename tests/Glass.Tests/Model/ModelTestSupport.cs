using Glass.Config;
using Glass.Model;
using Glass.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Tests.Model;

/// <summary>Tiny configurations and inputs for model tests.</summary>
public static class ModelTestSupport
{
    /// <summary>
    /// Loads libtorch with one intra-op thread: xunit runs test classes in parallel on a shared 2-core
    /// machine, where OpenMP's spinning worker threads slow tiny models down by 10-20x.
    /// </summary>
    public static void InitializeTorch() => TorchRuntime.Initialize(threads: 1);

    /// <summary>A few-thousand-parameter model on 32x48 frames (state grid 4x6).</summary>
    public static ModelConfig SmallConfig(Action<ModelConfig>? tweak = null)
    {
        var c = TinyModel.Config(width: 48, height: 32, maskingHidden: 16);
        tweak?.Invoke(c);
        return c;
    }

    public const int SmallHeight = 32, SmallWidth = 48;

    /// <summary>Random frames in [-1, 1]: (B, T, 3, H, W).</summary>
    public static Tensor Frames(long b, long t, long h = SmallHeight, long w = SmallWidth, long seed = 1)
    {
        var g = new Generator((ulong)seed);
        return torch.rand([b, t, 3, h, w], generator: g) * 2 - 1;
    }

    /// <summary>Builds a model with a fixed seed.</summary>
    public static GlassModel Build(ModelConfig config, long seed = 7)
    {
        var model = new GlassModel(config);
        SeededWeights.Reset(model, seed);
        return model;
    }

    public static string Shape(Tensor t) => $"({string.Join(", ", t.shape)})";
}
