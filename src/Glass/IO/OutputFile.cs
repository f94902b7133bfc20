namespace Glass.IO;

/// <summary>The output policy of every command that writes results: the folder is created and an
/// existing file is replaced only when the caller says so (force). Writes themselves go through
/// <see cref="AtomicFile"/> (or a temp name from <see cref="TempPath"/> and <see cref="Commit"/>).</summary>
public static class OutputFile
{
    /// <summary>Checks that <paramref name="path"/> may be written and creates its folder; returns the full path.</summary>
    public static string Prepare(string path, bool force)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new GlassException("output path is empty: give a file name such as out.gif");
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full) && !Path.EndsInDirectorySeparator(path) && Path.HasExtension(full))
            throw new GlassException($"{path}: a folder of that name exists; choose another output file name");
        if (File.Exists(full) && !force)
            throw new GlassException($"{path} exists") { Remedy = GlassInput.Force };
        var folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder))
        {
            if (File.Exists(folder)) throw new GlassException($"{path}: {folder} is a file, not a folder");
            Directory.CreateDirectory(folder);
        }
        return full;
    }

    /// <summary>The temporary name a writer fills before <see cref="Commit"/>.</summary>
    public static string TempPath(string fullPath) => $"{fullPath}.tmp-{Environment.ProcessId}";

    /// <summary>Moves a finished temp file over the target.</summary>
    public static void Commit(string tempPath, string fullPath) => File.Move(tempPath, fullPath, overwrite: true);
}
