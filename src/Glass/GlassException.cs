namespace Glass;

/// <summary>A user-facing error: the CLI prints its message as one line, without a stack trace.</summary>
public class GlassException(string message, Exception? inner = null) : Exception(message, inner);
