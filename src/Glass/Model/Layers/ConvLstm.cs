using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>
/// Convolutional LSTM with learned initial hidden and cell states of shape (out, H, W). Unlike the
/// reference, the recurrent memory is not stored in the module: callers hold it (see
/// <see cref="LocalMotion.DynamicsMemory"/>), so one model can serve several sequences.
/// </summary>
public sealed class ConvLstm : nn.Module
{
    readonly ConvLstmCell cell;
    readonly Parameter initial_hidden_state;
    readonly Parameter initial_hidden_cell_state;

    public int InChannels => cell.InChannels;
    public int OutChannels => cell.OutChannels;
    public long Height { get; }
    public long Width { get; }

    public ConvLstm(int inChannels, int outChannels, long height, long width) : base(nameof(ConvLstm))
    {
        Height = height;
        Width = width;
        cell = new ConvLstmCell(inChannels, outChannels);
        initial_hidden_state = new Parameter(torch.zeros(outChannels, height, width));
        initial_hidden_cell_state = new Parameter(torch.zeros(outChannels, height, width));
        RegisterComponents();
    }

    /// <summary>The learned initial states repeated over the batch: (N, out, H, W) each.</summary>
    public (Tensor Hidden, Tensor Cell) InitialState(long batchSize) =>
        (initial_hidden_state.unsqueeze(0).expand(batchSize, -1, -1, -1),
         initial_hidden_cell_state.unsqueeze(0).expand(batchSize, -1, -1, -1));

    /// <returns>next hidden (N, out, H, W) and next cell (N, out, H, W)</returns>
    public (Tensor Hidden, Tensor Cell) Step(
        IReadOnlyList<Tensor> inputs /* (N, C_i, H, W) or (N, C_i) */,
        (Tensor Hidden, Tensor Cell) state /* (N, out, H, W) each */) =>
        cell.Step(inputs, state.Hidden, state.Cell);
}
