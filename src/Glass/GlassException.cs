namespace Glass;

/// <summary>A user-facing error: the CLI prints its message as one line, without a stack trace. The library says
/// what is wrong in its own terms; when the error is about one of the caller's inputs, <see cref="Input"/> names it
/// and the CLI adds its option (the library never names command-line flags).</summary>
public class GlassException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The input the error is about, or null when it is about no single one.</summary>
    public GlassInput? Input { get; init; }

    /// <summary>An input the caller left out that would settle the error (<see cref="GlassInput.Force"/> for an
    /// existing output, a second weights file); the CLI says after the message which option gives it.</summary>
    public GlassInput? Remedy { get; init; }
}
