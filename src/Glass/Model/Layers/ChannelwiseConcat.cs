using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model.Layers;

/// <summary>Concatenates feature maps and vectors along channels; vectors (N, C) are broadcast over (H, W).</summary>
public static class ChannelwiseConcat
{
    /// <returns>(N, sum C_i, H, W); H, W from the first 4-D input</returns>
    public static Tensor Apply(IReadOnlyList<Tensor> inputs /* (N, C_i, H, W) or (N, C_i) */, long expectedChannels)
    {
        var spatial = inputs.FirstOrDefault(t => t.dim() == 4)
            ?? throw new ArgumentException("no input has spatial dimensions");
        long h = spatial.shape[2], w = spatial.shape[3];
        var parts = new Tensor[inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            var t = inputs[i];
            parts[i] = t.dim() switch
            {
                4 => t,
                2 => t.unsqueeze(-1).unsqueeze(-1).expand(t.shape[0], t.shape[1], h, w),
                _ => throw new ArgumentException($"expected 2-D or 4-D inputs, got {t.dim()}-D"),
            };
        }
        var result = torch.cat(parts, 1);
        if (result.shape[1] != expectedChannels)
            throw new ArgumentException($"inputs have {result.shape[1]} channels but the layer takes {expectedChannels}");
        return result;
    }
}
