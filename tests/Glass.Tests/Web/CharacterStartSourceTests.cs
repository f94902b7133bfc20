using Glass.Data.WSprites;
using Glass.Web.Play;
using Xunit;

namespace Glass.Tests.Web;

public class CharacterStartSourceTests
{
    [Fact]
    public void RendersCharactersOverTheBackground()
    {
        var library = new LpcCharacterLibrary(TestPaths.WSpritesAssets);
        var source = new CharacterStartSource(library, 4, 128, 96);
        Assert.Equal(4, source.Count);
        var a = source.Load(0);
        var b = source.Load(3);
        Assert.Equal((128, 96), (a.Width, a.Height));
        Assert.NotEqual(a.Pixels, b.Pixels); // different identities
        Assert.False(string.IsNullOrWhiteSpace(source.Label(1)));
        // The corners show the background only: the same for every character.
        Assert.Equal(a.Pixels[0..30], b.Pixels[0..30]);

        var small = new CharacterStartSource(library, 2, 64, 48).Load(1);
        Assert.Equal((64, 48), (small.Width, small.Height));
    }
}
