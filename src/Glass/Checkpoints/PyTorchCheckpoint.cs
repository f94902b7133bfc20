using System.Collections;
using Glass.IO;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Glass.Checkpoints;

/// <summary>The weights of a PyTorch checkpoint file (and the trainer's step when present). Owns the tensors.</summary>
public sealed record CheckpointContents(
    IReadOnlyDictionary<string, Tensor> StateDict /* name -> tensor, "module." prefix removed */,
    long? GlobalStep) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in StateDict.Values) t.Dispose();
    }
}

/// <summary>
/// PyTorch checkpoints (<c>torch.save</c> zip format) through TorchSharp.PyBridge: reads a flat state_dict
/// or the reference trainer's layout {"model", "optimizer", "lr_scheduler", "global_step"} (optimizer and
/// scheduler are ignored), with or without a DistributedDataParallel "module." prefix; writes files
/// <c>torch.load</c> reads. Our own checkpoint format, which carries the configuration, is <see cref="GlassCheckpoint"/>.
/// </summary>
public static class PyTorchCheckpoint
{
    const string DdpPrefix = "module.";

    /// <summary>Reads the weights (and config/global step when present) of a checkpoint file.</summary>
    public static CheckpointContents Read(string path)
    {
        if (!File.Exists(path))
            throw new GlassException($"{path}: checkpoint file not found");
        Hashtable root;
        try
        {
            using var stream = File.OpenRead(path);
            root = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not GlassException)
        {
            throw new GlassException($"{path}: not a readable PyTorch checkpoint (torch.save zip format expected): {e.Message}", e);
        }

        Hashtable weights;
        long? step = null;
        if (root["model"] is Hashtable model)
        {
            weights = model;
            step = root["global_step"] switch { int i => i, long l => l, Tensor t => t.item<long>(), _ => null };
        }
        else if (root.Count > 0 && root.Values.Cast<object?>().All(v => v is Tensor))
            weights = root;
        else
            throw new GlassException($"{path}: neither a state_dict nor a checkpoint with a \"model\" entry (found keys: {string.Join(", ", root.Keys.Cast<object>().Take(8))})");

        var names = weights.Keys.Cast<object>().Select(k => k.ToString()!).ToList();
        bool ddp = names.Count > 0 && names.All(n => n.StartsWith(DdpPrefix, StringComparison.Ordinal));
        var dict = new Dictionary<string, Tensor>(names.Count);
        foreach (DictionaryEntry e in weights)
        {
            if (e.Value is not Tensor tensor)
                throw new GlassException($"{path}: entry '{e.Key}' of the state_dict is not a tensor");
            var name = e.Key.ToString()!;
            dict[ddp ? name[DdpPrefix.Length..] : name] = tensor;
        }
        // The optimizer state was materialised by the unpickler too; release it now.
        if (!ReferenceEquals(weights, root) && root["optimizer"] is Hashtable optimizer) DisposeTensors(optimizer);
        return new CheckpointContents(dict, step);
    }

    static void DisposeTensors(IEnumerable items)
    {
        foreach (var item in items)
        {
            switch (item)
            {
                case Tensor t: t.Dispose(); break;
                case DictionaryEntry e: DisposeTensors(new[] { e.Value }); break;
                case IDictionary d: DisposeTensors(d.Values); break;
                case string: break;
                case IEnumerable list: DisposeTensors(list); break;
            }
        }
    }

    /// <summary>Reads a checkpoint file and loads its weights into the module (strict).</summary>
    public static CheckpointContents Load(nn.Module module, string path)
    {
        var contents = Read(path);
        try { StateDictCopy.Checkpoint(path).Into(module, contents.StateDict); }
        catch { contents.Dispose(); throw; }
        return contents;
    }

    /// <summary>
    /// Exports the module's state_dict as a flat <c>torch.save</c> file, written atomically; PyTorch loads it with
    /// <c>model.load_state_dict(torch.load(path))</c>.
    /// </summary>
    public static void Save(nn.Module module, string path)
    {
        var stateDict = new Hashtable();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        // Contiguous CPU copies: PyBridge writes raw bytes, and our convolution weights are stored channels-last.
        foreach (var (name, tensor) in module.state_dict())
            stateDict[name] = tensor.detach().cpu().contiguous();
        AtomicFile.Write(path, "state_dict", stream => PyTorchPickler.PickleStateDict(stream, stateDict, leaveOpen: true));
    }
}
