namespace Glass.Data.WSprites;

/// <summary>
/// One frame of a W-Sprites video as planned before drawing: the character's cell position (top-left,
/// pixels), the move that led here and its displacement, the local action label and which of its 8
/// frames is shown, and the background crop offset and its change.
/// </summary>
public readonly record struct WSpritesStep(
    int X, int Y, GlobalAction Global, int Dx, int Dy,
    int Local, int ActionFrame,
    int BackgroundX, int BackgroundY, int BackgroundDx, int BackgroundDy);
