using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>
/// Holds a per-frame network as the child "backbone", which gives the reference's parameter names
/// (e.g. masking_network.backbone.conv1.weight), and runs it on sequences (B, T, ...) by flattening to (B*T, ...).
/// </summary>
public sealed class SequenceConverter<TBackbone> : nn.Module where TBackbone : nn.Module
{
    readonly TBackbone backbone;

    public TBackbone Backbone => backbone;

    public SequenceConverter(TBackbone backbone) : base("SequenceConverter")
    {
        this.backbone = backbone;
        RegisterComponents();
    }

    /// <summary>Applies a tensor-to-tensor backbone to every frame.</summary>
    /// <returns>(B, T, ...) per-frame outputs</returns>
    public Tensor Forward(Tensor sequences /* (B, T, ...) */)
    {
        if (backbone is not nn.Module<Tensor, Tensor> frameNetwork)
            throw new InvalidOperationException($"{typeof(TBackbone).Name} is not a tensor-to-tensor network");
        using var scope = NewDisposeScope();
        var y = frameNetwork.forward(TensorFolder.Flatten(sequences));
        return TensorFolder.Fold(y, sequences.shape[1]).MoveToOuterDisposeScope();
    }
}
