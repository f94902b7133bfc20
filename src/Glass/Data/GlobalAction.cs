namespace Glass.Data;

/// <summary>The W-Sprites global action ids as the reference numbers them (l=0, r=1, u=2, d=3, s=4).</summary>
public enum GlobalAction
{
    Left = 0,
    Right = 1,
    Up = 2,
    Down = 3,
    Stay = 4,
}
