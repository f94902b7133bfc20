namespace Glass.Cli;

/// <summary>The CPU model shipped in the repository, which `glass demo` plays and `glass info` checks by default;
/// looked for above the program too, so both work when run from another folder.</summary>
public static class ShippedCheckpoint
{
    public const string Default = "checkpoints/wsprites-cpu.glass";

    /// <summary><paramref name="checkpoint"/> itself, unless it is <see cref="Default"/> and absent from the working
    /// folder: then the shipped checkpoint in a folder above the program, when there is one.</summary>
    public static string Resolve(string checkpoint)
    {
        if (checkpoint != Default || File.Exists(checkpoint)) return checkpoint;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Default);
            if (File.Exists(candidate)) return candidate;
        }
        return checkpoint;
    }
}
