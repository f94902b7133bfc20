using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>
/// A contact sheet of W-Sprites characters: a top strip with one frame (walk-front) of many identities,
/// then for each of a few identities a block of 9 rows (labels 0–8: walk, spellcast, slash × front,
/// left, right) by 8 columns (the action's frames in play order), all over the dataset's background.
/// </summary>
public static class ContactSheet
{
    const int Cell = CharacterSprite.Size, Gap = 8;

    public static RgbImage Render(ICharacterLibrary library, IReadOnlyList<int> stripIdentities, IReadOnlyList<int> detailIdentities)
    {
        int columns = Math.Max(stripIdentities.Count, detailIdentities.Count * LocalActions.FramesPerAction);
        int width = columns * Cell + Math.Max(0, detailIdentities.Count - 1) * Gap;
        int height = Cell + Gap + LocalActions.Count * Cell;
        var sheet = new RgbImage(width, height);
        Array.Fill(sheet.Pixels, (byte)255);
        var bg = library.Background;

        for (int i = 0; i < stripIdentities.Count; i++)
            Place(sheet, bg, library.Character(stripIdentities[i]).Cell(LocalActions.Label(ActionKind.Walk, Facing.Front), 0), i * Cell, 0);
        for (int d = 0; d < detailIdentities.Count; d++)
        {
            var sprite = library.Character(detailIdentities[d]);
            int x0 = d * (LocalActions.FramesPerAction * Cell + Gap);
            for (int label = 0; label < LocalActions.Count; label++)
                for (int f = 0; f < LocalActions.FramesPerAction; f++)
                    Place(sheet, bg, sprite.Cell(label, f), x0 + f * Cell, Cell + Gap + label * Cell);
        }
        return sheet;
    }

    /// <summary>Draws a cell over a 64 × 64 patch of the background (taken at a position that varies with the cell).</summary>
    static void Place(RgbImage sheet, RgbImage bg, byte[] cell, int x0, int y0)
    {
        int bx = (x0 * 7 / 5) % Math.Max(1, bg.Width - Cell), by = (y0 * 3 / 2) % Math.Max(1, bg.Height - Cell);
        for (int y = 0; y < Cell; y++)
            for (int x = 0; x < Cell; x++)
            {
                int o = ((y0 + y) * sheet.Width + x0 + x) * 3, c = (y * Cell + x) * 4, a = cell[c + 3];
                int b = (Math.Min(by + y, bg.Height - 1) * bg.Width + Math.Min(bx + x, bg.Width - 1)) * 3;
                for (int k = 0; k < 3; k++)
                    sheet.Pixels[o + k] = (byte)((cell[c + k] * a + bg.Pixels[b + k] * (255 - a) + 127) / 255);
            }
    }
}
