namespace Glass.IO;

/// <summary>Writes that never leave a half-written file or folder behind: the content goes to a
/// temporary sibling (<c>path.tmp-PID</c>) that is renamed over the target only once complete.</summary>
public static class AtomicFile
{
    /// <summary>Writes a file through <paramref name="write"/>; <paramref name="what"/> names it in errors.</summary>
    public static void Write(string path, string what, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var tmp = $"{full}.tmp-{Environment.ProcessId}";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true); // the rename must not reach the disk before the data
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new GlassException($"{path}: cannot write the {what} ({e.Message}); check the folder exists, is writable and has space", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Fills a folder through <paramref name="fill"/> (given the temporary folder to write into),
    /// then moves it to <paramref name="path"/>, replacing an existing folder of that name.</summary>
    public static void WriteDirectory(string path, string what, Action<string> fill)
    {
        var full = Path.GetFullPath(path.TrimEnd('/', '\\'));
        var tmp = $"{full}.tmp-{Environment.ProcessId}";
        var old = $"{full}.old-{Environment.ProcessId}";
        try
        {
            if (File.Exists(full)) throw new GlassException($"{path}: is a file; give a folder path for the {what}");
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
            Directory.CreateDirectory(tmp);
            fill(tmp);
            if (Directory.Exists(full))
            {
                Directory.Move(full, old);
                try
                {
                    Directory.Move(tmp, full);
                }
                catch
                {
                    Directory.Move(old, full); // put the previous folder back
                    throw;
                }
                Directory.Delete(old, recursive: true);
            }
            else Directory.Move(tmp, full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDeleteDirectory(tmp);
            throw new GlassException($"{path}: cannot write the {what} ({e.Message}); check the parent folder exists and is writable", e);
        }
        catch
        {
            TryDeleteDirectory(tmp);
            throw;
        }
    }

    static void TryDelete(string file)
    {
        try { if (File.Exists(file)) File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static void TryDeleteDirectory(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
