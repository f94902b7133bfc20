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

    /// <summary>This test process's temp folder; earlier runs' folders are removed when their process is gone
    /// (the test host is often killed, not exited, so cleaning up at exit alone is not enough).</summary>
    static readonly string TempRoot = CreateTempRoot();

    static string CreateTempRoot()
    {
        var parent = Path.Combine(Path.GetTempPath(), "glass-tests");
        if (Directory.Exists(parent))
            foreach (var dir in Directory.GetDirectories(parent))
                if (int.TryParse(Path.GetFileName(dir), out int pid) && !IsRunning(pid)) TryDelete(dir);
        var root = Path.Combine(parent, Environment.ProcessId.ToString());
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static bool IsRunning(int pid)
    {
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>A fresh empty folder under this test process's temp folder (a run makes ~200 MB of datasets,
    /// checkpoints and videos).</summary>
    public static string NewTempDir(string prefix = "glass-test")
    {
        var dir = Path.Combine(TempRoot, $"{prefix}-{Guid.NewGuid():N}");
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
