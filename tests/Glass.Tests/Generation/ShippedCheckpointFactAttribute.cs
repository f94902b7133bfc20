using Xunit;

namespace Glass.Tests.Generation;

/// <summary>A test of the shipped CPU checkpoint (checkpoints/wsprites-cpu.glass). Skipped, with the
/// reason shown, while the repository has no such file; it runs wherever the checkpoint is committed.</summary>
public sealed class ShippedCheckpointFactAttribute : FactAttribute
{
    public static string Path => System.IO.Path.Combine(TestPaths.RepoRoot, "checkpoints", "wsprites-cpu.glass");

    public ShippedCheckpointFactAttribute()
    {
        if (!File.Exists(Path)) Skip = $"the shipped checkpoint {Path} is not in this checkout yet";
    }
}
