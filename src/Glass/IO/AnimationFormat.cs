namespace Glass.IO;

/// <summary>What an output path asks for: <c>.gif</c>, <c>.mp4</c>, or (no extension / an existing
/// folder / a trailing slash) a folder of PNG frames <c>00000.png, 00001.png, …</c>.</summary>
public enum AnimationFormat { Gif, Mp4, PngFolder }
