using Glass.Data.WSprites;
using Glass.IO;

namespace Glass.Web.Play;

/// <summary>
/// W-Sprites characters standing in the middle of their walk range over the background, as the first
/// frame of a W-Sprites video looks; resized when the model plays another frame size.
/// </summary>
public sealed class CharacterStartSource : IStartImageSource
{
    readonly ICharacterLibrary library;
    readonly int[] identities;
    readonly BackgroundScroller background;
    readonly FrameTransform transform;

    /// <summary>Identities are mixed-radix codes of body, skin, clothes and hair, so evenly spaced ones share most
    /// traits; a prime stride through the library varies them all.</summary>
    const int Stride = 263;

    /// <param name="count">How many identities to offer, stepping through the library by <see cref="Stride"/>.</param>
    public CharacterStartSource(ICharacterLibrary library, int count, int width, int height)
    {
        this.library = library;
        count = Math.Clamp(count, 1, library.IdentityCount);
        int n = library.IdentityCount;
        identities = n % Stride != 0 // then the stride visits every identity before repeating one
            ? Enumerable.Range(0, count).Select(i => (int)((7 + (long)i * Stride) % n)).ToArray()
            : Enumerable.Range(0, count).Select(i => (int)((long)i * n / count)).ToArray();
        background = new BackgroundScroller(library.Background);
        transform = FrameTransform.Identity(width, height);
    }

    public string Key => "character";
    public string Title => library.Kind == "lpc" ? "W-Sprites characters (LPC)" : "Built-in characters";
    public int Count => identities.Length;
    public string Label(int index) => library.Describe(identities[index]);

    public RgbImage Load(int index)
    {
        var (frame, _) = WSpritesRenderer.Render(library.Character(identities[index]), background, WSpritesScript.StandingAtCentre);
        return transform.Apply(frame);
    }
}
