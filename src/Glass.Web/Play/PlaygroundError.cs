namespace Glass.Web.Play;

/// <summary>A request the server refuses: HTTP status and a one-line message for the client.</summary>
public sealed class PlaygroundError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static PlaygroundError BadRequest(string message) => new(400, message);
    public static PlaygroundError NotFound(string message) => new(404, message);
    public static PlaygroundError TooLarge(string message) => new(413, message);
    public static PlaygroundError Unsupported(string message) => new(415, message);
    public static PlaygroundError TooMany(string message) => new(429, message);
    public static PlaygroundError Busy(string message) => new(503, message);
}
