using System.Collections;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Glass.Config;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Glass.Checkpoints;

public sealed partial class GlassCheckpoint
{
    /// <summary>Tells our checkpoints from PyTorch ones by their content (not their extension).
    /// Anything else, or a damaged file, is a GlassException with a one-line reason.</summary>
    public static CheckpointFormat Detect(string path)
    {
        using var stream = OpenFile(path);
        return Detect(stream, path);
    }

    static CheckpointFormat Detect(FileStream stream, string path)
    {
        Span<byte> head = stackalloc byte[4];
        int n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (n == 0) throw new GlassException($"{path}: is empty; not a checkpoint");
        if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
            throw new GlassException($"{path}: is a legacy (pre-1.6, non-zip) PyTorch file, which Glass cannot read; re-save it in Python with torch.save(torch.load(path), path)");
        if (n < 4 || head[0] != (byte)'P' || head[1] != (byte)'K' || head[2] != 3 || head[3] != 4)
            throw new GlassException($"{path}: is neither a Glass nor a PyTorch checkpoint (not a zip archive)");
        using var zip = OpenZip(stream, path);
        if (zip.GetEntry(MetaEntry) is not null) return CheckpointFormat.Glass;
        if (zip.Entries.Any(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))) return CheckpointFormat.PyTorch;
        throw new GlassException($"{path}: is a zip archive but neither a Glass checkpoint (no {MetaEntry}) nor a PyTorch one (no data.pkl)");
    }

    /// <summary>Reads one of our checkpoints completely, verifying every entry; tensors land on the CPU.</summary>
    public static GlassCheckpoint Read(string path)
    {
        using var stream = OpenFile(path);
        if (Detect(stream, path) == CheckpointFormat.PyTorch)
            throw new GlassException($"{path}: is a PyTorch checkpoint, not a Glass one (it carries no configuration, weights only)");
        using var zip = OpenZip(stream, path);
        JsonObject meta;
        try
        {
            meta = JsonNode.Parse(ReadEntry(zip, MetaEntry, path)) as JsonObject
                   ?? throw new GlassException($"{path}: {MetaEntry} is not a JSON object; the file is damaged");
        }
        catch (JsonException e)
        {
            throw new GlassException($"{path}: {MetaEntry} is not valid JSON ({e.Message}); the file is damaged", e);
        }
        if ((string?)meta["format"] != FormatName) throw new GlassException($"{path}: {MetaEntry} does not describe a {FormatName}; the file is damaged");
        var version = (int?)meta["version"] ?? 0;
        if (version > FormatVersion)
            throw new GlassException($"{path}: written by a newer Glass (checkpoint format {version}, this build reads up to {FormatVersion}); update Glass");
        if (version < 1) throw new GlassException($"{path}: unknown checkpoint format version {version}; the file is damaged");

        var entries = meta["entries"] as JsonObject ?? throw new GlassException($"{path}: {MetaEntry} lists no entries; the file is damaged");
        byte[] Verified(string name)
        {
            var bytes = ReadEntry(zip, name, path);
            var expected = entries[name] as JsonObject ?? throw new GlassException($"{path}: entry {name} is not listed in {MetaEntry}; the file is damaged");
            if ((long?)expected["size"] != bytes.LongLength || (string?)expected["sha256"] != Convert.ToHexStringLower(SHA256.HashData(bytes)))
                throw new GlassException($"{path}: entry {name} fails its checksum; the file is damaged (use an earlier checkpoint)");
            return bytes;
        }

        var config = GlassConfig.Parse(Encoding.UTF8.GetString(Verified(ConfigEntry)), $"{path}!{ConfigEntry}");
        var state = ReadStateDict(Verified(ModelEntry), $"{path}!{ModelEntry}");
        var checkpoint = new GlassCheckpoint(config, state)
        {
            GlobalStep = (long?)meta["global_step"] ?? 0,
            Seed = (long?)meta["seed"],
            OptimizerType = (string?)meta["optimizer_type"],
            SchedulerState = meta["scheduler"]?.DeepClone() as JsonObject,
            Metadata = meta["metadata"]?.DeepClone() as JsonObject ?? new JsonObject(),
            CreatedUtc = DateTime.TryParse((string?)meta["created_utc"], null, System.Globalization.DateTimeStyles.RoundtripKind, out var created) ? created : null,
        };
        try
        {
            if (entries.ContainsKey(OptimizerEntry)) checkpoint.OptimizerState = Verified(OptimizerEntry);
            if (entries.ContainsKey(RngEntry)) checkpoint.RngState = Verified(RngEntry);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
        return checkpoint;
    }

    /// <summary>Reads only the configuration stored in one of our checkpoints (no tensors are loaded).</summary>
    public static GlassConfig ReadConfig(string path)
    {
        using var stream = OpenFile(path);
        if (Detect(stream, path) == CheckpointFormat.PyTorch)
            throw new GlassException($"{path}: is a PyTorch checkpoint, which carries no configuration; give the config it was trained with") { Input = GlassInput.Config };
        using var zip = OpenZip(stream, path);
        return GlassConfig.Parse(Encoding.UTF8.GetString(ReadEntry(zip, ConfigEntry, path)), $"{path}!{ConfigEntry}");
    }

    static Dictionary<string, Tensor> ReadStateDict(byte[] bytes, string source)
    {
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(new MemoryStream(bytes), leaveOpen: false);
        }
        catch (Exception e) when (e is not GlassException)
        {
            throw new GlassException($"{source}: the weights cannot be read ({e.Message}); the file is damaged", e);
        }
        var state = new Dictionary<string, Tensor>(table.Count);
        foreach (DictionaryEntry e in table)
        {
            if (e.Value is not Tensor t)
            {
                foreach (var v in state.Values) v.Dispose();
                throw new GlassException($"{source}: entry {e.Key} is not a tensor; the file is damaged");
            }
            state[(string)e.Key] = t;
        }
        return state;
    }

    static FileStream OpenFile(string path)
    {
        if (Directory.Exists(path)) throw new GlassException($"{path}: is a folder; give the checkpoint file");
        if (!File.Exists(path)) throw new GlassException($"{path}: checkpoint file not found");
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GlassException($"{path}: cannot read the checkpoint ({e.Message})", e);
        }
    }

    static ZipArchive OpenZip(Stream stream, string path)
    {
        try
        {
            stream.Position = 0;
            var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            _ = zip.Entries.Count; // the central directory is read lazily; damage must surface here
            return zip;
        }
        catch (InvalidDataException e)
        {
            throw new GlassException($"{path}: is truncated or damaged (its zip directory is unreadable: {e.Message}); use another checkpoint", e);
        }
    }

    static byte[] ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new GlassException($"{path}: entry {name} is missing; the file is damaged");
        try
        {
            using var s = entry.Open();
            using var ms = new MemoryStream(entry.Length > 0 && entry.Length < int.MaxValue ? (int)entry.Length : 0);
            s.CopyTo(ms);
            return ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new GlassException($"{path}: entry {name} is damaged ({e.Message}); use another checkpoint", e);
        }
    }
}
