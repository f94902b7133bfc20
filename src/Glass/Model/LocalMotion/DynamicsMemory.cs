using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>
/// The recurrent memory of the dynamics network: (hidden, cell) of each ConvLSTM layer, each (B, C_l, h_l, w_l).
/// Immutable: a step returns a new memory. Dispose releases the tensors it owns.
/// </summary>
public sealed class DynamicsMemory : IDisposable
{
    public IReadOnlyList<(Tensor Hidden, Tensor Cell)> Layers { get; }

    /// <summary>Transitions taken since the initial memory (the time-step index of the next step).</summary>
    public int Steps { get; }

    public DynamicsMemory(IReadOnlyList<(Tensor Hidden, Tensor Cell)> layers, int steps = 0)
    {
        Layers = layers;
        Steps = steps;
    }

    /// <summary>Moves the tensors out of the current dispose scope (for memory kept across steps).</summary>
    public DynamicsMemory DetachFromDisposeScope()
    {
        foreach (var (h, c) in Layers) { h.DetachFromDisposeScope(); c.DetachFromDisposeScope(); }
        return this;
    }

    public DynamicsMemory MoveToOuterDisposeScope()
    {
        foreach (var (h, c) in Layers) { h.MoveToOuterDisposeScope(); c.MoveToOuterDisposeScope(); }
        return this;
    }

    public void Dispose()
    {
        foreach (var (h, c) in Layers) { h.Dispose(); c.Dispose(); }
    }
}
