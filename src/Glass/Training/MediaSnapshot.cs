using Glass.Config;
using Glass.Generation;
using Glass.IO;
using Glass.Model;
using static TorchSharp.torch;

namespace Glass.Training;

/// <summary>
/// A training-time picture of what the model does, written as one PNG: per sequence, rows of real
/// frames, masks, foregrounds, backgrounds, inpainted and shifted backgrounds, reconstructions and
/// rendered foregrounds; then the global action matrix (rows: first frames, columns: right, left,
/// down, up, stay) and the local action matrix (columns: every learned action), each cell the frame
/// reached after a few repeated steps of that action.
/// </summary>
public static class MediaSnapshot
{
    const int MaxSequences = 4;
    const int MatrixSteps = 4;

    /// <param name="observations">(B, T, 3, H, W) in [-1, 1]</param>
    public static void Write(string path, GlassModel model, GlassConfig config, Tensor observations, int groundTruth, double temperature)
    {
        using var scope = NewDisposeScope();
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            var clip = observations[..Math.Min(MaxSequences, (int)observations.shape[0])];
            var o = model.Forward(clip, groundTruth, temperature, outputGenerated: true);
            var rows = new List<Tensor>();
            for (int b = 0; b < clip.shape[0]; b++)
            {
                rows.Add(Row(o.Observations[b]));
                rows.Add(Row(o.Masks[b]));
                rows.Add(Row(o.Foregrounds[b]));
                rows.Add(Row(o.Backgrounds[b]));
                rows.Add(Row(o.InpaintedBackgrounds[b]));
                rows.Add(Row(o.ShiftedBackgrounds[b], pad: 1));
                rows.Add(Row(o.ReconstructedObservations[b], pad: 1));
                rows.Add(Row(o.ReconstructedForegrounds[0][b], pad: 1));
                rows.Add(Row(o.ReconstructedMasks[b], pad: 1));
                rows.Add(Row(o.GeneratedObservations[b], pad: 1));
            }
            var firstFrames = clip[.., 0];
            var named = config.Generation.Actions;
            var globalCells = named.Values.Select(a => ActionCell(model, firstFrames, a[0], a[1], localAction: 0)).ToList();
            int numActions = config.Model.ActionSeparator.ActionNetwork.NumActions;
            var localCells = Enumerable.Range(0, numActions).Select(k => ActionCell(model, firstFrames, 0, 0, k)).ToList();

            rows.AddRange([Spacer(), Matrix(globalCells), Spacer(), Matrix(localCells)]);
            var grid = Stack(rows);
            ImageIO.WritePng(path, grid);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }

    /// <summary>The frame after repeating one action a few steps from each first frame.</summary>
    /// <param name="firstFrames">(B, 3, H, W)</param>
    /// <returns>(B, 3, H, W)</returns>
    static Tensor ActionCell(GlassModel model, Tensor firstFrames, double dx, double dy, int localAction)
    {
        long b = firstFrames.shape[0];
        using var session = new GenerationSession(model, firstFrames);
        var shifts = tensor(new float[] { (float)dx, (float)dy }, device: firstFrames.device).expand(b, 2);
        var ids = full(b, localAction, dtype: int64, device: firstFrames.device);
        Tensor frame = firstFrames;
        for (int i = 0; i < MatrixSteps; i++)
        {
            using var step = session.Step(shifts, ids);
            frame = step.Frames.clone();
        }
        return frame;
    }

    /// <param name="frames">(T, C, H, W), C = 1 (mask in [0, 1]) or 3 (image in [-1, 1])</param>
    /// <returns>(3, H, (T + pad) * W) in [-1, 1]</returns>
    static Tensor Row(Tensor frames, int pad = 0)
    {
        var x = frames.shape[1] == 1 ? frames.expand(-1, 3, -1, -1) * 2 - 1 : frames;
        if (pad > 0) x = cat([full([pad, 3, x.shape[2], x.shape[3]], -1f, device: x.device), x], 0);
        return cat(x.clamp(-1, 1).unbind(0), 2);
    }

    /// <param name="rows">each (3, H, W_i)</param>
    static Tensor Stack(List<Tensor> rows)
    {
        long width = rows.Max(r => r.shape[2]);
        var device = rows[0].device;
        return cat(rows.Select(r => r.shape[2] == width ? r : nn.functional.pad(r.to(device), [0, width - r.shape[2]], value: -1)).ToArray(), 1);
    }

    /// <param name="cells">per action (B, 3, H, W)</param>
    /// <returns>(3, B*H, width) rows = first frames, columns = actions</returns>
    static Tensor Matrix(List<Tensor> cells)
    {
        var m = stack(cells, 1); // (B, A, 3, H, W)
        return cat(m.unbind(0).Select(r => cat(r.unbind(0), 2)).ToArray(), 1);
    }

    /// <summary>A white band between sections; Stack widens it to the grid.</summary>
    static Tensor Spacer() => ones(3, 4, 1);
}
