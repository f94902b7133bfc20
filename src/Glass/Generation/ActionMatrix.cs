using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Generation;

/// <summary>Which actions form the columns of an action matrix.</summary>
public enum ActionMatrixKind
{
    /// <summary>One column per named global action (config generation.actions), all with one local action.</summary>
    Global,
    /// <summary>One column per learned local action 0..K-1, all with one global action (stay by default).</summary>
    Local,
}

/// <summary>
/// The paper's action-matrix figures: one row per starting image, one column per action; cell (r, c)
/// is the animation of action c repeated from image r. Frame 0 of every cell is the starting image,
/// frames 1.. are generated (as the reference's <c>calculate_*_action_matrix</c>). All cells run as
/// one batch.
/// </summary>
public sealed class ActionMatrix
{
    /// <summary>Pixels between cells in the pictures.</summary>
    public const int Gap = 2;
    static readonly (byte, byte, byte) GapColor = (255, 255, 255);

    ActionMatrix(ActionMatrixKind kind, IReadOnlyList<ActionStep> columns, RgbImage[][][] cells)
    {
        Kind = kind;
        Columns = columns;
        _cells = cells;
    }

    readonly RgbImage[][][] _cells; // [row][column][frame]

    public ActionMatrixKind Kind { get; }

    /// <summary>The action of each column (label = the global action's name, or "local k").</summary>
    public IReadOnlyList<ActionStep> Columns { get; }

    public int Rows => _cells.Length;
    public int Frames => _cells[0][0].Length;

    /// <summary>Frame <paramref name="t"/> of cell (row, column).</summary>
    public RgbImage Cell(int row, int column, int t) => _cells[row][column][t];

    /// <summary>Builds the matrix. <paramref name="frames"/> counts the starting image (the reference's num_frames).</summary>
    /// <param name="firstFrames">(R, 3, H, W) in [-1, 1]</param>
    /// <param name="fixedLocalAction">for <see cref="ActionMatrixKind.Global"/>: the local action of every column (reference: 0)</param>
    /// <param name="fixedGlobalAction">for <see cref="ActionMatrixKind.Local"/>: the global action of every column (default: a zero shift, as the reference)</param>
    public static ActionMatrix Build(Animator animator, Tensor firstFrames, ActionMatrixKind kind, int frames = 8,
        int fixedLocalAction = 0, string? fixedGlobalAction = null, Action<int, int>? progress = null)
    {
        if (frames < 2) throw new GlassException($"{frames} frames: an action matrix needs at least 2 (the start and one step)") { Input = GlassInput.Frames };
        if (firstFrames.dim() != 4) throw new GlassException($"starting images must be (R, 3, H, W), got ({string.Join(", ", firstFrames.shape)})");
        var columns = kind == ActionMatrixKind.Global
            ? animator.GlobalActions.Keys.Select(name => animator.Named(name, fixedLocalAction)).ToList()
            : Enumerable.Range(0, animator.NumLocalActions).Select(k =>
            {
                var global = fixedGlobalAction is null ? new ActionStep(0, 0, k, "stay") : animator.Named(fixedGlobalAction, k);
                return global with { Label = $"local {k}" };
            }).ToList();
        if (columns.Count == 0) throw new GlassException("the config defines no global actions (generation.actions is empty)");

        int rows = (int)firstFrames.shape[0], cols = columns.Count;
        using var scope = NewDisposeScope();
        // Batch element r * cols + c plays column c from image r.
        var starts = firstFrames.repeat_interleave(cols, dim: 0);
        var sequences = Enumerable.Range(0, rows * cols)
            .Select(b => (IReadOnlyList<ActionStep>)Enumerable.Repeat(columns[b % cols], frames - 1).ToList()).ToList();
        using var clip = animator.Play(starts, sequences, progress: progress);
        var cells = new RgbImage[rows][][];
        for (int r = 0; r < rows; r++)
        {
            cells[r] = new RgbImage[cols][];
            for (int c = 0; c < cols; c++) cells[r][c] = FrameLayout.FromBatch(clip.Frames[r * cols + c]);
        }
        return new ActionMatrix(kind, columns, cells);
    }

    /// <summary>The animation: frame t is the grid of every cell's frame t (rows = images, columns = actions).</summary>
    public List<RgbImage> AnimationFrames() =>
        Enumerable.Range(0, Frames).Select(t =>
            FrameLayout.Grid(Enumerable.Range(0, Rows * Columns.Count).Select(i => (RgbImage?)_cells[i / Columns.Count][i % Columns.Count][t]).ToList(),
                Columns.Count, Gap, GapColor)).ToList();

    /// <summary>A still: one line per (image, action) cell, its frames left to right; images in blocks.</summary>
    public RgbImage Strip()
    {
        var lines = new List<RgbImage?>();
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns.Count; c++)
                lines.AddRange(_cells[r][c]);
        return FrameLayout.Grid(lines, Frames, Gap, GapColor);
    }

    /// <summary>The column actions, as messages list them.</summary>
    public string ColumnLabels => string.Join(", ", Columns.Select(c => c.Label));

    /// <summary>Fails early (before any generation) unless <paramref name="path"/> is a GIF or MP4 that may be written,
    /// and its PNG strip beside it too; creates their folder.</summary>
    public static void CheckOutputs(string path, AnimationOptions options)
    {
        if (AnimationWriter.Check(path, options) == AnimationFormat.PngFolder)
            throw new GlassException($"{path}: give a .gif or .mp4 file for the matrix (a PNG strip is written beside it)");
        OutputFile.Prepare(StripPath(path), options.Force);
    }

    /// <summary>Writes the animation to <paramref name="path"/> and the <see cref="Strip"/> beside it as a PNG of the
    /// same name, both enlarged by the options' scale; returns their full paths.</summary>
    public (string Animation, string Strip) Write(string path, AnimationOptions options)
    {
        var animation = AnimationWriter.Write(path, AnimationFrames(), options);
        var strip = Path.GetFullPath(StripPath(path));
        ImageIO.WritePng(strip, Strip().ScaleNearest(options.Scale));
        return (animation, strip);
    }

    static string StripPath(string path) => Path.ChangeExtension(path, ".png");
}
