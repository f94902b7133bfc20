using System.Collections;
using System.Numerics;
using System.Runtime.CompilerServices;
using Glass.IO;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Glass.Checkpoints;

/// <summary>Reads a PyTorch <c>state_dict</c> saved with <c>torch.save</c>: the zip format (PyTorch ≥ 1.6, through
/// TorchSharp.PyBridge) and the older "legacy" stream format in which most published metric weights were saved
/// (torchvision's AlexNet/VGG, LPIPS's linear layers, pytorch-fid's Inception, pytorch-i3d), which PyBridge does not
/// read. The zip format goes through the shared <see cref="PyTorchCheckpoint"/>. Used for every pretrained
/// network a user supplies: VGG-19 for the perceptual losses, LPIPS, Inception-v3, I3D.</summary>
public static class StateDictFile
{
    /// <summary>name → tensor (CPU). A file whose top level is {"state_dict": ...} is unwrapped.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new GlassException($"weights file '{path}' does not exist; pass the path of a .pth file saved with torch.save(model.state_dict(), ...)");
        object root;
        try
        {
            using var stream = File.OpenRead(path);
            var magic = new byte[4];
            int read = stream.Read(magic, 0, 4);
            stream.Seek(0, SeekOrigin.Begin);
            if (read == 4 && magic[0] == 0x50 && magic[1] == 0x4b && magic[2] == 0x03 && magic[3] == 0x04)
            {
                stream.Dispose();
                // zip format: the shared checkpoint import (also unwraps {"model": ...} and "module." prefixes)
                return new Dictionary<string, Tensor>(PyTorchCheckpoint.Read(path).StateDict);
            }
            root = LegacyFormat.Read(stream);
        }
        catch (GlassException) { throw; }
        catch (Exception e) when (e is PickleException or InvalidDataException or InvalidCastException or NotImplementedException or EndOfStreamException or IndexOutOfRangeException or KeyNotFoundException)
        {
            throw new GlassException($"weights file '{path}' is not a readable PyTorch state_dict ({e.Message}); save it with torch.save(model.state_dict(), path)", e);
        }
        if (root is not Hashtable table)
            throw new GlassException($"weights file '{path}' holds a {root?.GetType().Name ?? "null"}, not a state_dict; save it with torch.save(model.state_dict(), path)");
        if (table["state_dict"] is Hashtable inner) table = inner;
        var result = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in table)
            if (entry.Key is string key && entry.Value is Tensor tensor) result[key] = tensor;
        if (result.Count == 0)
            throw new GlassException($"weights file '{path}' holds no tensors; save it with torch.save(model.state_dict(), path)");
        return result;
    }

    /// <summary>The legacy (pre-zip) <c>torch.save</c> stream: five pickles (magic number, protocol 1001,
    /// system info, the object with storages as persistent ids, the sorted storage keys) followed by each storage's
    /// raw bytes, each preceded by its element count as a little-endian int64.</summary>
    static class LegacyFormat
    {
        static readonly BigInteger MagicNumber = BigInteger.Parse("119547037146038801333356");

        public static object Read(Stream stream)
        {
            EnsureConstructors();
            var magic = new Unpickler().load(stream);
            if (!(magic is BigInteger b && b == MagicNumber) && !(magic is long l && l == (long)MagicNumber))
                throw new InvalidDataException("neither a zip archive nor a legacy torch.save stream (wrong magic number)");
            var protocol = Convert.ToInt64(new Unpickler().load(stream));
            if (protocol != 1001) throw new InvalidDataException($"legacy torch.save protocol {protocol} is not supported (expected 1001)");
            var systemInfo = new Unpickler().load(stream) as Hashtable;
            if (systemInfo?["little_endian"] is false) throw new InvalidDataException("big-endian torch.save files are not supported");

            var storages = new Dictionary<string, LegacyStorage>();
            var objectUnpickler = new StorageUnpickler(storages);
            var root = objectUnpickler.load(stream);
            var keys = (ArrayList)new Unpickler().load(stream);
            foreach (string key in keys)
            {
                var storage = storages[key];
                var header = new byte[8];
                stream.ReadExactly(header);
                long count = BitConverter.ToInt64(header);
                if (count != storage.Elements)
                    throw new InvalidDataException($"storage {key} holds {count} elements but the pickle announced {storage.Elements}");
                storage.Data = new byte[checked(count * storage.ElementSize)];
                stream.ReadExactly(storage.Data);
            }
            return Materialize(root);
        }

        /// <summary>Tensors were built lazily (storages come after the pickle); replace the placeholders.</summary>
        static object Materialize(object value) => value switch
        {
            PendingTensor pending => pending.Build(),
            Hashtable table => MaterializeTable(table),
            _ => value,
        };

        static Hashtable MaterializeTable(Hashtable table)
        {
            foreach (var key in table.Keys.Cast<object>().ToList()) table[key] = Materialize(table[key]!);
            return table;
        }

        sealed class LegacyStorage(ScalarType dtype, long elements)
        {
            public ScalarType DType { get; } = dtype;
            public long Elements { get; } = elements;
            public int ElementSize { get; } = ElementSizeOf(dtype);
            public byte[]? Data { get; set; }
        }

        /// <summary>A view into part of a root storage (old files pickle views with their own key).</summary>
        sealed record StorageView(LegacyStorage Root, long Offset);

        sealed class PendingTensor(StorageView storage, long offset, long[] shape, long[] stride)
        {
            public Tensor Build()
            {
                var root = storage.Root;
                long start = storage.Offset + offset;
                long count = shape.Aggregate(1L, (a, s) => a * s);
                // The furthest element any stride reaches bounds the slice of the storage this tensor uses.
                long extent = count == 0 ? 0 : 1 + shape.Zip(stride).Sum(p => (p.First - 1) * p.Second);
                var whole = torch.empty(extent, root.DType);
                var bytes = new byte[extent * root.ElementSize];
                Array.Copy(root.Data!, start * root.ElementSize, bytes, 0, bytes.Length);
                whole.bytes = bytes;
                return whole.as_strided(shape, stride).contiguous();
            }
        }

        sealed class StorageUnpickler(Dictionary<string, LegacyStorage> storages) : Unpickler
        {
            protected override object persistentLoad(object pid)
            {
                // ('storage', storage_type, key, location, numel, view_metadata)
                var id = (object[])pid;
                if (id.Length < 5 || id[0] as string != "storage") throw new InvalidDataException("unknown persistent id in legacy torch.save stream");
                var dtype = DTypeOfStorage(((ClassDictConstructor)id[1]).name);
                var key = id[2].ToString()!;
                long elements = Convert.ToInt64(id[4]);
                if (!storages.TryGetValue(key, out var storage)) storages[key] = storage = new LegacyStorage(dtype, elements);
                if (id.Length > 5 && id[5] is object[] view)
                {
                    // (view_key, offset, view_size) into the root storage just registered
                    return new StorageView(storage, Convert.ToInt64(view[1]));
                }
                return new StorageView(storage, 0);
            }
        }

        /// <summary>Rebuilds tensors whose storage is ours; passes anything else to the constructor that was
        /// registered before (PyBridge's, used for zip files), since Razorvine's constructor table is global.</summary>
        sealed class RebuildTensor(IObjectConstructor? previous) : IObjectConstructor
        {
            public object construct(object[] args)
            {
                if (args.Length > 0 && args[0] is StorageView view)
                {
                    long offset = Convert.ToInt64(args[1]);
                    var shape = ((object[])args[2]).Select(Convert.ToInt64).ToArray();
                    var stride = ((object[])args[3]).Select(Convert.ToInt64).ToArray();
                    return new PendingTensor(view, offset, shape, stride);
                }
                if (previous is null) throw new InvalidDataException("tensor without storage in pickle");
                return previous.construct(args);
            }
        }

        /// <summary>Subclass only to reach Razorvine's protected constructor table.</summary>
        sealed class ConstructorTable : Unpickler
        {
            public static IDictionary<string, IObjectConstructor> Table => objectConstructors;
        }

        static readonly object Gate = new();
        static bool constructorsReady;

        static void EnsureConstructors()
        {
            lock (Gate)
            {
                if (constructorsReady) return;
                // PyBridge registers its constructors in a static constructor; run it first so ours wraps it
                // instead of being overwritten later.
                RuntimeHelpers.RunClassConstructor(typeof(PyTorchUnpickler).TypeHandle);
                foreach (var name in new[] { "_rebuild_tensor", "_rebuild_tensor_v2" })
                {
                    ConstructorTable.Table.TryGetValue("torch._utils." + name, out var previous);
                    if (previous is RebuildTensor) continue;
                    Unpickler.registerConstructor("torch._utils", name, new RebuildTensor(previous));
                }
                constructorsReady = true;
            }
        }

        static ScalarType DTypeOfStorage(string storage) => storage switch
        {
            "DoubleStorage" => ScalarType.Float64,
            "FloatStorage" => ScalarType.Float32,
            "HalfStorage" => ScalarType.Float16,
            "BFloat16Storage" => ScalarType.BFloat16,
            "LongStorage" => ScalarType.Int64,
            "IntStorage" => ScalarType.Int32,
            "ShortStorage" => ScalarType.Int16,
            "CharStorage" => ScalarType.Int8,
            "ByteStorage" => ScalarType.Byte,
            "BoolStorage" => ScalarType.Bool,
            _ => throw new NotImplementedException($"storage type {storage}"),
        };

        static int ElementSizeOf(ScalarType dtype) => dtype switch
        {
            ScalarType.Float64 or ScalarType.Int64 => 8,
            ScalarType.Float32 or ScalarType.Int32 => 4,
            ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
            _ => 1,
        };
    }
}
