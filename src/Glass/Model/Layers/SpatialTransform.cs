using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Glass.Model.Layers;

/// <summary>
/// Shifts images by (dx, dy) in normalised coordinates ([-1, 1] spans the image; positive = right/down):
/// affine_grid + grid_sample (align_corners=false) with the inverse transform [[1, 0, -dx], [0, 1, -dy]],
/// as the reference's spatial_transform with identity scale.
/// </summary>
public static class SpatialTransform
{
    /// <summary>The (N, H, W, 2) sampling grid of a shift; reuse it to move several images the same way.</summary>
    public static Tensor ShiftGrid(Tensor shifts /* (N, 2) */, long height, long width)
    {
        using var scope = NewDisposeScope();
        long n = shifts.shape[0];
        var ones = torch.ones(n, dtype: shifts.dtype, device: shifts.device);
        var zeros = torch.zeros(n, dtype: shifts.dtype, device: shifts.device);
        var neg = shifts.neg();
        var theta = torch.stack([ones, zeros, neg[.., 0], zeros, ones, neg[.., 1]], 1).reshape(n, 2, 3);
        return F.affine_grid(theta, [n, 1, height, width], align_corners: false).MoveToOuterDisposeScope();
    }

    /// <summary>Samples images on a grid from <see cref="ShiftGrid"/>.</summary>
    /// <returns>(N, C, H, W)</returns>
    public static Tensor Sample(Tensor images /* (N, C, H, W) */, Tensor grid /* (N, H, W, 2) */,
        GridSamplePaddingMode padding, GridSampleMode mode = GridSampleMode.Bilinear) =>
        F.grid_sample(images, grid, mode, padding, align_corners: false);

    /// <summary>Shifts images; foregrounds use zeros padding, backgrounds border padding.</summary>
    /// <returns>(N, C, H, W)</returns>
    public static Tensor Shift(Tensor images /* (N, C, H, W) */, Tensor shifts /* (N, 2) */,
        GridSamplePaddingMode padding, GridSampleMode mode = GridSampleMode.Bilinear)
    {
        using var scope = NewDisposeScope();
        var grid = ShiftGrid(shifts, images.shape[2], images.shape[3]);
        return Sample(images, grid, padding, mode).MoveToOuterDisposeScope();
    }
}
