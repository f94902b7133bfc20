using Glass.Runtime;
using Xunit;

namespace Glass.Tests.Runtime;

public class LibTorchNativeTests
{
    public LibTorchNativeTests() => TorchRuntime.Initialize();

    /// <summary>NNPACK is off once libtorch is initialised, so it can never print its start-up warning.</summary>
    [Fact]
    public void NnpackIsSwitchedOff() => Assert.False(LibTorchNative.NnpackEnabled());

    /// <summary>glibc accepted the settings that keep freed tensor memory for reuse (GLASS_MALLOC unset in tests).</summary>
    [Fact]
    public void FreedMemoryIsKeptInTheProcess()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("GLASS_MALLOC") is not null) return;
        Assert.StartsWith("retain freed memory", HeapRetention.Mode);
    }

    [Fact]
    public void TheBuildIsReadFromLibTorch()
    {
        var build = LibTorchBuild.Read();
        Assert.Equal("2.10.0", build.Torch);
        Assert.Matches(@"^3\.\d+\.\d+$", build.OneDnn);
        Assert.Matches("^[0-9a-f]{8}$", build.OneDnnCommit);
        Assert.False(string.IsNullOrEmpty(build.CpuCapability));
    }

    [Fact]
    public void CpuInfoGivesTheFirstProcessorsNameFamilyAndFlags()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "cpuinfo");
        File.WriteAllText(path, """
            processor	: 0
            vendor_id	: AuthenticAMD
            cpu family	: 26
            model		: 2
            model name	: AMD EPYC Processor
            flags		: fpu avx2 avx512f avx512_bf16

            processor	: 1
            model name	: other
            """);
        var cpu = CpuDescription.Read(path);
        Assert.Equal("AMD EPYC Processor", cpu.ModelName);
        Assert.Equal("AuthenticAMD", cpu.Vendor);
        Assert.Equal("26", cpu.Family);
        Assert.Equal("2", cpu.Model);
        Assert.True(cpu.Flags.SetEquals(["fpu", "avx2", "avx512f", "avx512_bf16"]));
    }
}
