using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>Where W-Sprites characters and the background come from (LPC sheets or our built-in drawings).</summary>
public interface ICharacterLibrary
{
    /// <summary>"lpc" or "builtin"; recorded in the dataset's description.</summary>
    string Kind { get; }
    /// <summary>Number of distinct identities (1296 for both).</summary>
    int IdentityCount { get; }
    /// <summary>The 9 × 8 frames of an identity.</summary>
    CharacterSprite Character(int identity);
    /// <summary>The background image the frames scroll over.</summary>
    RgbImage Background { get; }
    /// <summary>Human-readable attributes of an identity.</summary>
    string Describe(int identity);
}
