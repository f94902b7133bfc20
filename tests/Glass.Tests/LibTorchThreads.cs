using Xunit;

namespace Glass.Tests;

/// <summary>libtorch's thread count is process-wide, so tests that change it run while no other test does
/// (two runs compared bit for bit at different thread counts would differ in rounding).</summary>
[CollectionDefinition(nameof(LibTorchThreads), DisableParallelization = true)]
public sealed class LibTorchThreads;
