using Glass.Model.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>
/// Convolutional LSTM cell: input, forget, output and cell gates are 3x3 convolutions over
/// concat(inputs, hidden). The four gate convolutions run as one convolution with the weights stacked
/// (same per-channel arithmetic, one pass over the input); parameters keep the reference's four names.
/// </summary>
public sealed class ConvLstmCell : nn.Module
{
    readonly Conv2d input_gate;
    readonly Conv2d forget_gate;
    readonly Conv2d output_gate;
    readonly Conv2d cell_gate;

    public int InChannels { get; }
    public int OutChannels { get; }

    public ConvLstmCell(int inChannels, int outChannels) : base(nameof(ConvLstmCell))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        input_gate = nn.Conv2d(inChannels + outChannels, outChannels, 3, padding: 1, bias: true);
        forget_gate = nn.Conv2d(inChannels + outChannels, outChannels, 3, padding: 1, bias: true);
        output_gate = nn.Conv2d(inChannels + outChannels, outChannels, 3, padding: 1, bias: true);
        cell_gate = nn.Conv2d(inChannels + outChannels, outChannels, 3, padding: 1, bias: true);
        RegisterComponents();
    }

    /// <summary>One step.</summary>
    /// <returns>next hidden (N, out, H, W) and next cell (N, out, H, W)</returns>
    public (Tensor Hidden, Tensor Cell) Step(
        IReadOnlyList<Tensor> inputs /* (N, C_i, H, W) or (N, C_i), channels summing to InChannels */,
        Tensor hidden /* (N, out, H, W) */,
        Tensor cell /* (N, out, H, W) */)
    {
        using var scope = NewDisposeScope();
        var all = new List<Tensor>(inputs) { hidden };
        var x = ChannelwiseConcat.Apply(all, InChannels + OutChannels);
        var weight = torch.cat([input_gate.weight!, forget_gate.weight!, output_gate.weight!, cell_gate.weight!], 0);
        var bias = torch.cat([input_gate.bias!, forget_gate.bias!, output_gate.bias!, cell_gate.bias!], 0);
        var gates = ConvolutionKernels.Conv2d(x, weight, bias, padding: [1, 1]).chunk(4, 1);
        var i = gates[0].sigmoid();
        var f = gates[1].sigmoid();
        var o = gates[2].sigmoid();
        var c = gates[3].tanh();
        var nextCell = f * cell + i * c;
        var nextHidden = o * nextCell.tanh();
        return (nextHidden.MoveToOuterDisposeScope(), nextCell.MoveToOuterDisposeScope());
    }
}
