namespace Glass.Data.WSprites;

/// <summary>What the character does in a W-Sprites local action.</summary>
public enum ActionKind
{
    Walk = 0,
    Spellcast = 1,
    Slash = 2,
}

/// <summary>Which way the character faces.</summary>
public enum Facing
{
    Front = 0,
    Left = 1,
    Right = 2,
}

/// <summary>
/// The nine W-Sprites local actions: label = 3·a + d with a ∈ {walk, spellcast, slash} and
/// d ∈ {front, left, right}; each plays 8 frames in a loop. Also the LPC sheet cells behind each frame.
/// </summary>
public static class LocalActions
{
    public const int Count = 9;
    public const int FramesPerAction = 8;

    public static int Label(ActionKind kind, Facing facing) => 3 * (int)kind + (int)facing;
    public static ActionKind Kind(int label) => (ActionKind)(label / 3);
    public static Facing Facing(int label) => (Facing)(label % 3);
    public static string Name(int label) => $"{Kind(label).ToString().ToLowerInvariant()}-{Facing(label).ToString().ToLowerInvariant()}";

    /// <summary>The walking label for a global move (l, r, u, d); the reference plays walk-front for up and down.</summary>
    public static int WalkFor(GlobalAction move) => move switch
    {
        GlobalAction.Left => Label(ActionKind.Walk, WSprites.Facing.Left),
        GlobalAction.Right => Label(ActionKind.Walk, WSprites.Facing.Right),
        GlobalAction.Up or GlobalAction.Down => Label(ActionKind.Walk, WSprites.Facing.Front),
        _ => throw new ArgumentException("stay has no walking action", nameof(move)),
    };

    /// <summary>The six non-walking labels a stay may play.</summary>
    public static readonly int[] StayLabels = [3, 4, 5, 6, 7, 8];

    /// <summary>
    /// The LPC sheet cell (row, column) of frame <paramref name="frame"/> of an action (spec, W-Sprites):
    /// spellcast rows 1/2/3 (left/front/right), frames 0–5 = columns 0–5, 6 = column 4, 7 = column 6;
    /// walk rows 9/10/11, frame 0 = column 8, frame k = column k; slash rows 13/14/15, frames 0–5 =
    /// columns 0–5, 6 = column 4, 7 = column 0.
    /// </summary>
    public static (int Row, int Column) LpcCell(int label, int frame)
    {
        if (label is < 0 or >= Count) throw new ArgumentOutOfRangeException(nameof(label));
        if (frame is < 0 or >= FramesPerAction) throw new ArgumentOutOfRangeException(nameof(frame));
        // Sheet rows come in the order back, left, front, right.
        int rowOffset = Facing(label) switch { WSprites.Facing.Left => 1, WSprites.Facing.Front => 2, _ => 3 };
        return Kind(label) switch
        {
            ActionKind.Spellcast => (0 + rowOffset, frame switch { 6 => 4, 7 => 6, _ => frame }),
            ActionKind.Walk => (8 + rowOffset, frame == 0 ? 8 : frame),
            _ => (12 + rowOffset, frame switch { 6 => 4, 7 => 0, _ => frame }),
        };
    }
}
