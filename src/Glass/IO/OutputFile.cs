namespace Glass.IO;

/// <summary>The output policy of every command that writes results: the folder is created, an
/// existing file is replaced only when the user said --force, and the write is atomic (a temp
/// name beside the target, then a rename) so a crash never leaves half a file under the real name.</summary>
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
            throw new GlassException($"{path} exists; pass --force to overwrite it");
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

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        var temp = TempPath(full);
        try
        {
            File.WriteAllBytes(temp, bytes);
            Commit(temp, full);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes to a stream on a temp file and moves it into place when <paramref name="write"/> returns.</summary>
    public static void Write(string fullPath, Action<Stream> write)
    {
        var temp = TempPath(fullPath);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                write(stream);
            Commit(temp, fullPath);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
