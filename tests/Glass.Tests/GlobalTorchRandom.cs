using Xunit;

namespace Glass.Tests;

/// <summary>torch's default generator is process-wide (and libtorch seeds it from every manual_seed), so tests
/// that need exact reproducibility across two runs in one process run while no other test does.</summary>
[CollectionDefinition(nameof(GlobalTorchRandom), DisableParallelization = true)]
public sealed class GlobalTorchRandom;
