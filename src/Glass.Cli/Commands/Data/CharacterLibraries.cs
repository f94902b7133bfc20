using Glass.Data.WSprites;

namespace Glass.Cli.Commands.Data;

/// <summary>The characters `glass data wsprites` and `glass data sheet` draw: LPC sheets or our own.</summary>
public static class CharacterLibraries
{
    public static ICharacterLibrary Choose(string? sprites, bool builtin, string? background, long seed, string commandName)
    {
        if (builtin == (sprites is not null))
            throw new GlassException($"{commandName}: give either --sprites DIR (LPC sheets) or --builtin (our own characters)");
        return builtin ? new BuiltinCharacterLibrary(seed) : new LpcCharacterLibrary(sprites!, background);
    }
}
