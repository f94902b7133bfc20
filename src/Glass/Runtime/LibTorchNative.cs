using System.Runtime.InteropServices;
using System.Text;

namespace Glass.Runtime;

/// <summary>
/// The few libtorch C++ functions TorchSharp does not expose, called by their exported (Itanium-mangled)
/// names in libtorch_cpu.so. That is the Linux x64 build we ship with; where a symbol is missing (another
/// platform or libtorch version) the call does nothing and the value reads as unknown.
/// </summary>
public static unsafe class LibTorchNative
{
    static readonly Lazy<IntPtr> Library = new(() => NativeLibrary.TryLoad("libtorch_cpu.so", out var h) ? h : IntPtr.Zero);

    static IntPtr Export(string symbol) =>
        Library.Value != IntPtr.Zero && NativeLibrary.TryGetExport(Library.Value, symbol, out var f) ? f : IntPtr.Zero;

    /// <summary>
    /// at::globalContext().setUserEnabledNNPACK(false), as Python's torch.backends.nnpack.set_flags(False).
    /// libtorch initialises NNPACK the first time it considers it for a convolution and, on CPUs NNPACK does
    /// not know, prints "Could not initialize NNPACK! Reason: Unsupported hardware." to stderr. It would only
    /// be chosen where oneDNN is not (float32 CPU, batch >= 16, no gradients), which never happens while
    /// oneDNN is on, so switching it off changes no result and no speed. Returns false when not possible.
    /// </summary>
    public static bool DisableNnpack()
    {
        var context = Export("_ZN2at13globalContextEv");
        var set = Export("_ZN2at7Context20setUserEnabledNNPACKEb");
        if (context == IntPtr.Zero || set == IntPtr.Zero) return false;
        ((delegate* unmanaged<IntPtr, byte, void>)set)(((delegate* unmanaged<IntPtr>)context)(), 0);
        return true;
    }

    /// <summary>Whether NNPACK may be used (null when unknown).</summary>
    public static bool? NnpackEnabled()
    {
        var context = Export("_ZN2at13globalContextEv");
        var get = Export("_ZNK2at7Context17userEnabledNNPACKEv");
        if (context == IntPtr.Zero || get == IntPtr.Zero) return null;
        return ((delegate* unmanaged<IntPtr, byte>)get)(((delegate* unmanaged<IntPtr>)context)()) != 0;
    }

    /// <summary>at::show_config(): the build's versions (libtorch, oneDNN, MKL, OpenMP) and ATen's CPU capability.</summary>
    public static string? ShowConfig() => CallString("_ZN2at11show_configB5cxx11Ev");

    /// <summary>at::get_cpu_capability(): the vector ISA ATen's own kernels use (e.g. AVX512, AVX2).</summary>
    public static string? CpuCapability() => CallString("_ZN2at18get_cpu_capabilityB5cxx11Ev");

    /// <summary>at::get_mkldnn_version(), e.g. "Intel(R) MKL-DNN v3.7.1 (Git Hash 8d263e69...)".</summary>
    public static string? OneDnnVersion() => CallString("_ZN2at18get_mkldnn_versionB5cxx11Ev");

    /// <summary>
    /// Calls a function returning std::string (libstdc++'s C++11 layout: data pointer, length, 16-byte inline
    /// buffer or capacity), which the ABI returns through a hidden pointer to caller memory. A long string's
    /// heap buffer is left allocated: a few KB, once per call, for diagnostics only.
    /// </summary>
    static string? CallString(string symbol)
    {
        var f = Export(symbol);
        if (f == IntPtr.Zero) return null;
        var result = stackalloc byte[32];
        ((delegate* unmanaged<byte*, byte*>)f)(result);
        return Encoding.UTF8.GetString(*(byte**)result, checked((int)*(long*)(result + 8)));
    }
}
