using System.CommandLine;
using Glass.Config;
using Glass.Runtime;
using TorchSharp;

namespace Glass.Cli;

/// <summary>The `--device`, `--threads` and `--convolution-precision` options shared by every command that runs a
/// model. They override the config's `runtime:` section.</summary>
public sealed class RuntimeOptions
{
    public Option<string?> Device { get; } = new("--device") { Description = "Torch device: cpu, cuda or cuda:N (default: the config's runtime.device)" };
    public Option<int?> Threads { get; } = new("--threads") { Description = "CPU threads for libtorch (default: the config's runtime.threads; 0 = libtorch's choice)" };
    public Option<string?> ConvolutionPrecision { get; } = new("--convolution-precision")
    {
        Description = "float32 or bfloat16: CPU convolutions in bfloat16 with float32 weights, faster on CPUs with AVX512_BF16 (default: the config's runtime.convolution_precision)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Device);
        command.Options.Add(Threads);
        command.Options.Add(ConvolutionPrecision);
    }

    /// <summary>Writes the options into <paramref name="config"/>.runtime, checks them, applies the runtime
    /// section (libtorch's thread count, the convolution precision) and returns the device.</summary>
    public torch.Device Apply(ParseResult result, GlassConfig config)
    {
        if (result.GetValue(Device) is { } device) config.Runtime.Device = device.Trim().ToLowerInvariant();
        if (result.GetValue(Threads) is { } threads) config.Runtime.Threads = CheckThreads(threads);
        if (result.GetValue(ConvolutionPrecision) is { } precision)
        {
            config.Runtime.ConvolutionPrecision = precision.Trim().ToLowerInvariant();
            if (!RuntimeConfig.ConvolutionPrecisions.Contains(config.Runtime.ConvolutionPrecision))
                throw new GlassException($"--convolution-precision {precision}: use {string.Join(" or ", RuntimeConfig.ConvolutionPrecisions)}");
        }
        if (!RuntimeConfig.IsDeviceName(config.Runtime.Device))
            throw new GlassException($"device '{config.Runtime.Device}' is not a device; use cpu, cuda or cuda:N");
        return TorchRuntime.Apply(config.Runtime);
    }

    /// <summary>A thread count as the user gave it: 0 is libtorch's choice, a negative one an error.</summary>
    public static int CheckThreads(int threads) =>
        threads >= 0 ? threads : throw new GlassException($"{threads} must be >= 0 (0 = libtorch's default)") { Input = GlassInput.Threads };
}
