namespace Glass.Data.WSprites;

/// <summary>
/// The W-Sprites random walk (as the reference's generator moves the character and the background):
/// a position on a grid of Width × Height cells (x in 0..Width-1, y in 0..Height-1) and a current move
/// (l, r, u, d, s). Each step may change the move — with probability 1 - inertia (0.1 when staying) to
/// another allowed one, and always when the current move would leave the grid — then moves by StepSize,
/// clamped to the grid.
/// </summary>
public sealed class RandomWalk
{
    public int Width { get; }
    public int Height { get; }
    public double Inertia { get; }
    public int StepSize { get; }
    public int X { get; private set; }
    public int Y { get; private set; }
    public GlobalAction? Move { get; private set; }

    readonly DeterministicRandom _rng;
    static readonly GlobalAction[] Order = [GlobalAction.Left, GlobalAction.Right, GlobalAction.Up, GlobalAction.Down, GlobalAction.Stay];

    public RandomWalk(DeterministicRandom rng, int height, int width, double inertia, int stepSize)
    {
        _rng = rng;
        Width = width; Height = height; Inertia = inertia; StepSize = stepSize;
        X = rng.NextInt(0, width - 1);
        Y = rng.NextInt(0, height - 1);
    }

    List<GlobalAction> Allowed(bool excludeCurrent)
    {
        var list = new List<GlobalAction>(5);
        foreach (var a in Order)
        {
            if (a == GlobalAction.Right && X == Width - 1) continue;
            if (a == GlobalAction.Left && X == 0) continue;
            if (a == GlobalAction.Down && Y == Height - 1) continue;
            if (a == GlobalAction.Up && Y == 0) continue;
            if (excludeCurrent && a == Move) continue;
            list.Add(a);
        }
        return list;
    }

    void SampleMove()
    {
        var allowed = Allowed(false);
        var candidate = _rng.Choice(allowed);
        if (Move is null || !allowed.Contains(Move.Value))
        {
            Move = candidate;
            return;
        }
        if (allowed.Count == 1) return;
        candidate = _rng.Choice(Allowed(true));
        var p = _rng.NextDouble();
        if (Move != GlobalAction.Stay && p > Inertia) Move = candidate;
        else if (Move == GlobalAction.Stay && p > 0.9) Move = candidate;
    }

    /// <summary>Takes one step; returns the displacement (dx, dy) in grid cells.</summary>
    public (int Dx, int Dy) Step()
    {
        SampleMove();
        int px = X, py = Y;
        switch (Move)
        {
            case GlobalAction.Left: X = Math.Max(0, X - StepSize); break;
            case GlobalAction.Right: X = Math.Min(Width - 1, X + StepSize); break;
            case GlobalAction.Up: Y = Math.Max(0, Y - StepSize); break;
            case GlobalAction.Down: Y = Math.Min(Height - 1, Y + StepSize); break;
        }
        return (X - px, Y - py);
    }
}
