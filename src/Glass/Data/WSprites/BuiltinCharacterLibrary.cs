using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>
/// Built-in W-Sprites characters (<see cref="BuiltinCharacterDrawer"/>) over a procedural ground
/// texture (<see cref="ProceduralBackground"/>); identities are numbered like the LPC ones
/// (6 choices of body, bottomwear, topwear, hair = 1296).
/// </summary>
public sealed class BuiltinCharacterLibrary(long backgroundSeed = 1) : ICharacterLibrary
{
    readonly Lazy<RgbImage> _background = new(() => ProceduralBackground.Generate(backgroundSeed));

    public string Kind => "builtin";
    /// <summary>The seed of the ground texture (a dataset's seed unless chosen apart from it).</summary>
    public long BackgroundSeed => backgroundSeed;
    public int IdentityCount => 1296;
    public RgbImage Background => _background.Value;

    public CharacterSprite Character(int identity)
    {
        var (b, bo, t, h) = LpcCharacterLibrary.Attributes(identity);
        return BuiltinCharacterDrawer.Draw(b, bo, t, h);
    }

    public string Describe(int identity)
    {
        var (b, bo, t, h) = LpcCharacterLibrary.Attributes(identity);
        return BuiltinCharacterDrawer.Describe(b, bo, t, h);
    }
}
