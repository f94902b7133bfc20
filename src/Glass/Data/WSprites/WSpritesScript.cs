namespace Glass.Data.WSprites;

/// <summary>
/// Plans a W-Sprites video the way the reference generator does: the character's random walk on its
/// top-left corner (64 × 32 positions, step 7 px, inertia 0.9) is drawn first for all frames; then frame by
/// frame a local action is chosen (walk-left/right for l/r, walk-front for u/d; a stay plays one of the six
/// spellcast/slash actions, never the previous action again, for 4–8 frames, restarting its loop, while
/// walks continue their loops), and the background's own walk (25 × 25 offsets, step 2, inertia 0.95)
/// takes one step. Entry t describes the move that led to frame t.
/// </summary>
public static class WSpritesScript
{
    public const int FrameWidth = 128, FrameHeight = 96, CellSize = 64;
    public const int WalkStep = 7, BackgroundPad = 25, BackgroundStep = 2;
    public const double WalkInertia = 0.9, BackgroundInertia = 0.95;

    /// <summary>The character standing (walk, facing front, frame 0) in the middle of its walk range
    /// (0..64 x 0..32), the background in the middle of its own: a start image with room to move every way.</summary>
    public static WSpritesStep StandingAtCentre => new(X: (FrameWidth - CellSize) / 2, Y: (FrameHeight - CellSize) / 2,
        Global: GlobalAction.Stay, Dx: 0, Dy: 0, Local: LocalActions.Label(ActionKind.Walk, Facing.Front), ActionFrame: 0,
        BackgroundX: BackgroundPad / 2, BackgroundY: BackgroundPad / 2, BackgroundDx: 0, BackgroundDy: 0);

    public static WSpritesStep[] Plan(DeterministicRandom rng, int frames)
    {
        if (frames <= 0) throw new GlassException($"{frames} frames per video: must be > 0") { Input = GlassInput.Frames };
        var walk = new RandomWalk(rng, FrameHeight - CellSize, FrameWidth - CellSize, WalkInertia, WalkStep);
        var moves = new (GlobalAction Move, int Dx, int Dy, int X, int Y)[frames];
        for (int i = 0; i < frames; i++)
        {
            var (dx, dy) = walk.Step();
            moves[i] = (walk.Move!.Value, dx, dy, walk.X, walk.Y);
        }

        var background = new RandomWalk(rng, BackgroundPad, BackgroundPad, BackgroundInertia, BackgroundStep);
        var loopPosition = new int[LocalActions.Count];
        var steps = new WSpritesStep[frames];
        int? previous = null;

        WSpritesStep Emit(int i, int label)
        {
            int frame = loopPosition[label];
            loopPosition[label] = (frame + 1) % LocalActions.FramesPerAction;
            var (bdx, bdy) = background.Step();
            var m = moves[i];
            return new WSpritesStep(m.X, m.Y, m.Move, m.Dx, m.Dy, label, frame, background.X, background.Y, bdx, bdy);
        }

        for (int i = 0; i < frames; i++)
        {
            var move = moves[i].Move;
            if (move != GlobalAction.Stay)
            {
                int label = LocalActions.WalkFor(move);
                previous = label;
                steps[i] = Emit(i, label);
                continue;
            }
            int action;
            do action = rng.Choice(LocalActions.StayLabels); while (action == previous);
            previous = action;
            int maxSteps = rng.NextInt(4, 8);
            loopPosition[action] = 0;
            int j = 0;
            while (i + j < frames && moves[i + j].Move == GlobalAction.Stay && j < maxSteps)
            {
                steps[i + j] = Emit(i + j, action);
                j++;
            }
            i += j - 1;
        }
        return steps;
    }
}
