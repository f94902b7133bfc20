using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Tests.Evaluation;

/// <summary>Writes a state_dict in the legacy (pre-zip) torch.save stream format, byte by byte as PyTorch's
/// <c>_legacy_save</c> lays it out with pickle protocol 2 — so tests can check our reader of the published metric
/// weight files without Python. Each entry may share a storage with an earlier one (a view at an offset).</summary>
internal static class LegacyTorchSave
{
    public sealed record Entry(string Name, Tensor Value, string? SharedStorageOf = null, long StorageOffset = 0);

    public static void Write(string path, IEnumerable<Entry> entries)
    {
        var list = entries.ToList();
        using var file = File.Create(path);
        var w = new BinaryWriter(file);
        // 1. magic number 0x1950a86a20f9469cfc6c as LONG1
        w.Write(new byte[] { 0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.' });
        // 2. protocol version 1001
        w.Write(new byte[] { 0x80, 2, (byte)'M', 0xe9, 0x03, (byte)'.' });
        // 3. sys_info
        w.Write(new byte[] { 0x80, 2, (byte)'}', (byte)'(' });
        Unicode(w, "protocol_version"); w.Write(new byte[] { (byte)'M', 0xe9, 0x03 });
        Unicode(w, "little_endian"); w.Write((byte)0x88);
        w.Write(new byte[] { (byte)'u', (byte)'.' });
        // 4. the OrderedDict of tensors; storages are persistent ids ('storage', type, key, 'cpu', numel, None)
        var storageKeys = new List<string>();
        var storageOf = new Dictionary<string, (string Key, Tensor Data)>();
        w.Write(new byte[] { 0x80, 2 });
        Global(w, "collections", "OrderedDict"); w.Write(new byte[] { (byte)')', (byte)'R', (byte)'(' });
        foreach (var e in list)
        {
            string key;
            Tensor storageData;
            if (e.SharedStorageOf is { } owner) (key, storageData) = storageOf[owner];
            else { key = storageKeys.Count.ToString(); storageKeys.Add(key); storageData = e.Value.contiguous().flatten(); }
            storageOf[e.Name] = (key, storageData);
            Unicode(w, e.Name);
            Global(w, "torch._utils", "_rebuild_tensor_v2");
            w.Write((byte)'(');
            w.Write((byte)'(');
            Unicode(w, "storage");
            Global(w, "torch", StorageType(e.Value.dtype));
            Unicode(w, key);
            Unicode(w, "cpu");
            Int(w, storageData.numel());
            w.Write(new byte[] { (byte)'N', (byte)'t', (byte)'Q' });
            Int(w, e.StorageOffset);
            Tuple(w, e.Value.shape);
            Tuple(w, ContiguousStrides(e.Value.shape));
            w.Write((byte)0x89); // requires_grad False
            Global(w, "collections", "OrderedDict"); w.Write(new byte[] { (byte)')', (byte)'R' });
            w.Write(new byte[] { (byte)'t', (byte)'R' });
        }
        w.Write(new byte[] { (byte)'u', (byte)'.' });
        // 5. storage keys, then each storage: int64 element count + raw little-endian data
        w.Write(new byte[] { 0x80, 2, (byte)']', (byte)'(' });
        foreach (var k in storageKeys) Unicode(w, k);
        w.Write(new byte[] { (byte)'e', (byte)'.' });
        foreach (var k in storageKeys)
        {
            var data = storageOf.Values.First(v => v.Key == k).Data;
            w.Write(data.numel());
            w.Write(data.bytes.ToArray());
        }
        w.Flush();
    }

    static void Unicode(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((byte)'X'); w.Write(bytes.Length); w.Write(bytes);
    }

    static void Global(BinaryWriter w, string module, string name) => w.Write(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

    static void Int(BinaryWriter w, long v) { w.Write((byte)'J'); w.Write(checked((int)v)); }

    static void Tuple(BinaryWriter w, long[] values)
    {
        w.Write((byte)'(');
        foreach (var v in values) Int(w, v);
        w.Write((byte)'t');
    }

    static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
        return strides;
    }

    static string StorageType(ScalarType t) => t switch
    {
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Int64 => "LongStorage",
        _ => throw new ArgumentException(t.ToString()),
    };
}
