using System.Buffers.Binary;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace Glass.Runtime;

/// <summary>
/// Makes TorchSharp's native shim loadable on Debian 12. The shim declares a need for
/// GLIBCXX_3.4.32, which Debian 12's libstdc++ lacks; its only symbol of that version is
/// std::ios_base_library_init, which the shim never calls. Marking that version need weak
/// (VER_FLG_WEAK in its .gnu.version_r entry) lets the dynamic loader accept it. We patch the copy
/// beside our assemblies (the one TorchSharp loads first), atomically, before any torch call.
/// Nothing outside the build output is touched.
/// </summary>
public static class NativeLibraries
{
    const string ShimName = "libLibTorchSharp.so";
    const ushort VerFlagWeak = 0x2;
    static readonly string[] OptionalVersions = ["GLIBCXX_3.4.32"];
    static readonly object Gate = new();
    static bool _done;

    /// <summary>Patches (if needed) and loads the TorchSharp shim. Idempotent and thread-safe.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_done) return;
            _done = true;
            if (!OperatingSystem.IsLinux()) return;
            string? shim = null;
            foreach (var candidate in CandidatePaths())
            {
                if (!File.Exists(candidate)) continue;
                PatchFile(candidate);
                shim ??= candidate;
            }
            // Loading it by full path first means TorchSharp's own probing finds it already resident.
            if (shim is not null) NativeLibrary.TryLoad(shim, out _);
        }
    }

    /// <summary>Where TorchSharp looks for the shim: beside the app, its runtimes folder, and the
    /// `cpu/` folder it re-creates from the NuGet cache when the first load fails.</summary>
    public static IEnumerable<string> CandidatePaths()
    {
        var dirs = new List<string> { AppContext.BaseDirectory };
        var torchDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchDir)) dirs.Add(torchDir);
        foreach (var d in dirs.Distinct())
        {
            yield return Path.Combine(d, "runtimes", "linux-x64", "native", ShimName);
            yield return Path.Combine(d, ShimName);
            yield return Path.Combine(d, "cpu", ShimName);
        }
    }

    /// <summary>Marks the optional version needs of an ELF file weak. Returns the number of entries
    /// changed (0 when already patched or not needed). Writes atomically via a temporary file.</summary>
    public static int PatchFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int changed = MarkVersionNeedsWeak(bytes, OptionalVersions);
        if (changed == 0) return 0;
        var tmp = path + ".glass-tmp-" + Environment.ProcessId;
        File.WriteAllBytes(tmp, bytes);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, File.GetUnixFileMode(path));
        File.Move(tmp, path, overwrite: true);
        return changed;
    }

    /// <summary>True when the file still has a non-weak need for one of the optional versions.</summary>
    public static bool NeedsPatch(string path) => MarkVersionNeedsWeak(File.ReadAllBytes(path), OptionalVersions) > 0;

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entries naming any of <paramref name="versions"/>,
    /// in place in an ELF64 little-endian image.</summary>
    public static int MarkVersionNeedsWeak(byte[] elf, IReadOnlyCollection<string> versions)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        var s = elf.AsSpan();
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(s[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(s[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(s[0x3C..]);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            var sh = s[(int)(shoff + i * shentsize)..];
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]);
            if (type != 0x6ffffffe) continue; // SHT_GNU_verneed
            long offset = BinaryPrimitives.ReadInt64LittleEndian(sh[0x18..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            var strSh = s[(int)(shoff + link * shentsize)..];
            long strOff = BinaryPrimitives.ReadInt64LittleEndian(strSh[0x18..]);
            long need = offset;
            while (true)
            {
                int cnt = BinaryPrimitives.ReadUInt16LittleEndian(s[(int)(need + 2)..]);
                uint auxOff = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(need + 8)..]);
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(need + 12)..]);
                long aux = need + auxOff;
                for (int a = 0; a < cnt; a++)
                {
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(s[(int)(aux + 4)..]);
                    uint name = BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(aux + 8)..]);
                    if (versions.Contains(ReadCString(s, strOff + name)) && (flags & VerFlagWeak) == 0)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(s[(int)(aux + 4)..], (ushort)(flags | VerFlagWeak));
                        changed++;
                    }
                    aux += BinaryPrimitives.ReadUInt32LittleEndian(s[(int)(aux + 12)..]);
                }
                if (next == 0) break;
                need += next;
            }
        }
        return changed;
    }

    static string ReadCString(ReadOnlySpan<byte> s, long at)
    {
        int end = s[(int)at..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(s.Slice((int)at, end));
    }
}
