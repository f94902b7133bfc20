using TorchSharp;

namespace Glass.Runtime;

/// <summary>Process-wide libtorch set-up: native shim, threads, device. Call before any torch use.</summary>
public static class TorchRuntime
{
    static readonly Lazy<bool> NnpackOff = new(LibTorchNative.DisableNnpack);

    /// <summary>Loads libtorch, switches NNPACK off (see <see cref="LibTorchNative.DisableNnpack"/>: no start-up
    /// noise on CPUs NNPACK does not know), keeps freed tensor memory in the process (<see cref="HeapRetention"/>), applies the thread count (0 keeps libtorch's default)
    /// and the diagnostic switch <see cref="Model.Kernels.ConvolutionKernels.EnvironmentVariable"/>.</summary>
    public static void Initialize(int threads = 0)
    {
        HeapRetention.Ensure();
        NativeLibraries.EnsureLoaded();
        // at::set_num_threads re-configures OpenMP, MKL, the thread pool and oneDNN's caches process-wide, while
        // other threads may be running kernels: only when the count actually changes.
        int current = torch.get_num_threads(); // also loads libtorch itself (TorchSharp's first call does)
        if (threads > 0 && current != threads) torch.set_num_threads(threads);
        _ = NnpackOff.Value;
        Model.Kernels.ConvolutionKernels.Process.Force = Model.Kernels.ConvolutionKernels.ForcedByEnvironment();
    }

    /// <summary>Applies a config's `runtime:` section (threads, convolution precision) and returns its device.</summary>
    public static torch.Device Apply(Config.RuntimeConfig runtime)
    {
        Initialize(runtime.Threads);
        Model.Kernels.ConvolutionKernels.Process.Precision = ConvolutionPrecision(runtime.ConvolutionPrecision);
        return ParseDevice(runtime.Device);
    }

    /// <summary>The element type of a runtime.convolution_precision value ("float32" or "bfloat16", validated by the config).</summary>
    public static torch.ScalarType ConvolutionPrecision(string name) =>
        name == "bfloat16" ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32;

    /// <summary>Parses "cpu", "cuda", "cuda:1"; a clear error when CUDA is asked for but absent.</summary>
    public static torch.Device ParseDevice(string name)
    {
        Initialize();
        var device = new torch.Device(name);
        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
            throw new GlassException($"device '{name}' requested but CUDA is not available in this build (TorchSharp-cpu); use cpu or install TorchSharp-cuda-linux") { Input = GlassInput.Device };
        return device;
    }
}
