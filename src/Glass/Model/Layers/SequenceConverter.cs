using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>
/// Runs a per-frame network on sequences (B, T, ...) by flattening to (B*T, ...). The network is the
/// child "backbone", which gives the reference's parameter names (e.g. masking_network.backbone.conv1.weight).
/// </summary>
public sealed class SequenceConverter<TBackbone> : nn.Module<Tensor, Tensor> where TBackbone : nn.Module<Tensor, Tensor>
{
    readonly TBackbone backbone;

    public TBackbone Backbone => backbone;

    public SequenceConverter(TBackbone backbone) : base(nameof(SequenceConverter<TBackbone>))
    {
        this.backbone = backbone;
        RegisterComponents();
    }

    /// <returns>(B, T, ...) per-frame outputs</returns>
    public override Tensor forward(Tensor sequences /* (B, T, ...) */)
    {
        using var scope = NewDisposeScope();
        var y = backbone.forward(TensorFolder.Flatten(sequences));
        return TensorFolder.Fold(y, sequences.shape[1]).MoveToOuterDisposeScope();
    }
}
