using Glass.Runtime;
using TorchSharp;
using Xunit;

namespace Glass.Tests;

public class NativeLibrariesTests
{
    [Fact]
    public void TorchLoadsAndComputes()
    {
        TorchRuntime.Initialize();
        using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        Assert.Equal(15f, x.sum().item<float>());
    }

    [Fact]
    public void LoadedShimHasWeakGlibcxxNeed()
    {
        TorchRuntime.Initialize();
        var shims = NativeLibraries.CandidatePaths().Where(File.Exists).ToList();
        Assert.NotEmpty(shims);
        Assert.All(shims, p => Assert.False(NativeLibraries.NeedsPatch(p), $"{p} still needs GLIBCXX_3.4.32"));
    }

    [Fact]
    public void PatchMarksOnlyTheOptionalVersionWeak()
    {
        TorchRuntime.Initialize();
        var original = Directory.GetFiles(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "torchsharp"),
            "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault();
        Assert.NotNull(original); // the NuGet cache holds the unpatched shim after restore
        var bytes = File.ReadAllBytes(original!);
        var copy = (byte[])bytes.Clone();
        Assert.Equal(1, NativeLibraries.MarkVersionNeedsWeak(copy, ["GLIBCXX_3.4.32"]));
        Assert.Equal(0, NativeLibraries.MarkVersionNeedsWeak(copy, ["GLIBCXX_3.4.32"])); // idempotent
        int differing = bytes.Zip(copy).Count(p => p.First != p.Second);
        Assert.Equal(1, differing); // exactly the flags byte of one Vernaux entry
        Assert.Throws<InvalidDataException>(() => NativeLibraries.MarkVersionNeedsWeak(new byte[64], ["x"]));
    }
    [Fact]
    public void BuildOutputCarriesOnlyThisMachinesNativeRuntimes()
    {
        // Directory.Build.targets skips libtorch's other-OS natives (1 GB per output folder; CI ran out of disk).
        var runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");
        var rids = Directory.Exists(runtimes) ? Directory.GetDirectories(runtimes).Select(Path.GetFileName).ToList() : [];
        Assert.True(rids.Count > 0 || !OperatingSystem.IsLinux(), "no native runtimes in the build output");
        var foreign = OperatingSystem.IsLinux() ? new[] { "win", "osx" } : OperatingSystem.IsWindows() ? ["linux", "osx"] : new[] { "win", "linux" };
        Assert.DoesNotContain(rids, rid => foreign.Any(f => rid!.StartsWith(f)));
        Assert.True(Directory.GetFiles(runtimes, "libtorch_cpu.so", SearchOption.AllDirectories).Length > 0 || !OperatingSystem.IsLinux(),
            "libtorch for this machine is missing from the build output");
    }
}
