using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// Per-pixel weights that make the reconstruction losses focus where things move, as the reference
/// computes them. No gradient flows through them.
/// </summary>
public static class MotionWeights
{
    /// <summary>|x_{t+1} - x_t| + |x̂_{t+1} - x̂_t| summed over channels, plus a bias. When the
    /// reconstruction has one frame fewer, the first real frame stands in for its missing first frame.</summary>
    /// <param name="observations">(B, T, 3, H, W)</param>
    /// <param name="reconstructed">(B, T or T-1, 3, H, W)</param>
    /// <returns>(B, T-1, 1, H, W)</returns>
    public static Tensor Global(Tensor observations, Tensor reconstructed, double bias = 0.0)
    {
        using var _ = no_grad();
        observations = observations.detach();
        reconstructed = reconstructed.detach();
        long t = observations.shape[1];
        if (reconstructed.shape[1] == t - 1) reconstructed = cat([observations[.., ..1], reconstructed], 1);
        else if (reconstructed.shape[1] != t)
            throw new ArgumentException($"reconstruction has {reconstructed.shape[1]} frames for {t} observations");
        var weights = (observations[.., 1..] - observations[.., ..^1]).abs()
                      + (reconstructed[.., 1..] - reconstructed[.., ..^1]).abs();
        return weights.sum(2, keepdim: true) + bias;
    }

    /// <summary>|x_{t+1} - shift(f_t)| + |x_{t+1} - x̂_{t+1}| summed over channels, plus a bias:
    /// what the global shift does not explain.</summary>
    /// <param name="observations">(B, T, 3, H, W)</param>
    /// <param name="shifted">(B, T-1, 3, H, W)</param>
    /// <param name="reconstructed">(B, T-1, 3, H, W)</param>
    /// <returns>(B, T-1, 1, H, W)</returns>
    public static Tensor Local(Tensor observations, Tensor shifted, Tensor reconstructed, double bias = 0.0)
    {
        using var _ = no_grad();
        var successors = observations.detach()[.., 1..];
        var weights = (successors - shifted.detach()).abs() + (successors - reconstructed.detach()).abs();
        return weights.sum(2, keepdim: true) + bias;
    }
}
