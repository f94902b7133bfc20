namespace Glass.Tests;

/// <summary>Locations the tests read: the repository and the shared fixtures beside it.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
    public static string Reference => Path.Combine(Shared, "reference");
    public static string ReferenceSeed1 => Path.Combine(Reference, "wsprites-seed1");
    public static string ReferenceConfigs => Path.Combine(Reference, "configs");
    public static string WSpritesAssets => Path.Combine(Shared, "wsprites");

    /// <summary>A fresh empty folder under the system temp directory.</summary>
    public static string NewTempDir(string prefix = "glass-test")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Glass.slnx"))) return dir.FullName;
        throw new InvalidOperationException("repository root (Glass.slnx) not found above " + AppContext.BaseDirectory);
    }
}
