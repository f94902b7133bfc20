namespace Glass.Data.WSprites;

/// <summary>
/// One W-Sprites identity: for each of the 9 local actions its 8 frames as 64 × 64 straight-alpha RGBA
/// cells (the character composed over transparency; alpha is the mask).
/// </summary>
public sealed class CharacterSprite
{
    public const int Size = WSpritesScript.CellSize;
    readonly byte[][] _cells; // [label * 8 + frame] -> 64*64*4

    public CharacterSprite(byte[][] cells)
    {
        if (cells.Length != LocalActions.Count * LocalActions.FramesPerAction)
            throw new ArgumentException($"need {LocalActions.Count * LocalActions.FramesPerAction} cells, got {cells.Length}", nameof(cells));
        foreach (var c in cells)
            if (c.Length != Size * Size * 4) throw new ArgumentException("each cell is 64 x 64 RGBA", nameof(cells));
        _cells = cells;
    }

    /// <summary>64 × 64 × 4 bytes (R, G, B, A), rows top to bottom.</summary>
    public byte[] Cell(int label, int frame) => _cells[label * LocalActions.FramesPerAction + frame];

    /// <summary>Straight-alpha "over": src drawn on top of dst (both RGBA, same length), exact integer rounding.</summary>
    public static void CompositeOver(byte[] dst, byte[] src)
    {
        for (int i = 0; i < dst.Length; i += 4)
        {
            int sa = src[i + 3];
            if (sa == 0) continue;
            if (sa == 255) { dst[i] = src[i]; dst[i + 1] = src[i + 1]; dst[i + 2] = src[i + 2]; dst[i + 3] = 255; continue; }
            int da = dst[i + 3];
            int daw = da * (255 - sa);                 // dst weight x255
            int oa255 = sa * 255 + daw;                // out alpha x255
            for (int c = 0; c < 3; c++)
                dst[i + c] = (byte)((src[i + c] * sa * 255 + dst[i + c] * daw + oa255 / 2) / oa255);
            dst[i + 3] = (byte)((oa255 + 127) / 255);
        }
    }
}
