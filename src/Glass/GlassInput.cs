namespace Glass;

/// <summary>The inputs a user gives the library that an error can be about; the CLI maps each to its option.</summary>
public enum GlassInput
{
    Checkpoint,
    Config,
    Frames,
    BatchSize,
    MaxClips,
    LpipsWeights,
    Device,
    Threads,
    Data,
    Output,
    Resume,
    Init,
    VggWeights,
    Sprites,
    Background,
    Videos,
    Size,
    Fps,
    Split,
    Identities,
    VideosPerIdentity,
    Actions,
    Scale,
    /// <summary>The switch that lets an existing output be replaced (a <see cref="GlassException.Remedy"/>).</summary>
    Force,
    LpipsBackbone,
    Port,
    Host,
    GenerationMode,
}
