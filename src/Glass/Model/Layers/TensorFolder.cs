using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>Moves between sequence layout (B, T, ...) and frame layout (B*T, ...) without copying.</summary>
public static class TensorFolder
{
    /// <summary>(B, T, ...) -> (B*T, ...).</summary>
    public static Tensor Flatten(Tensor sequences /* (B, T, ...) */)
    {
        var shape = sequences.shape;
        var flat = new long[shape.Length - 1];
        flat[0] = shape[0] * shape[1];
        Array.Copy(shape, 2, flat, 1, shape.Length - 2);
        return sequences.reshape(flat);
    }

    /// <summary>(B*T, ...) -> (B, T, ...).</summary>
    public static Tensor Fold(Tensor frames /* (B*T, ...) */, long t)
    {
        var shape = frames.shape;
        if (t <= 0 || shape[0] % t != 0)
            throw new ArgumentException($"first dimension {shape[0]} is not a multiple of {t}");
        var folded = new long[shape.Length + 1];
        folded[0] = shape[0] / t;
        folded[1] = t;
        Array.Copy(shape, 1, folded, 2, shape.Length - 1);
        return frames.reshape(folded);
    }
}
