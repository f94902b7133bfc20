namespace Glass.Generation;

/// <summary>One generation step: the global action (the foreground's shift in normalized image
/// coordinates, positive = right/down, 2 = the full width/height) and the local action id in 0..K-1.
/// <see cref="Label"/> is what the user wrote (a name such as "right", or "0.05,-0.02").</summary>
public readonly record struct ActionStep(double Dx, double Dy, int LocalAction, string Label)
{
    public override string ToString() => $"{Label}:{LocalAction}";
}
