using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>Draws one W-Sprites frame: the character's cell over the background, and its mask (= the cell's alpha).</summary>
public static class WSpritesRenderer
{
    public static (RgbImage Frame, GrayImage Mask) Render(CharacterSprite sprite, BackgroundScroller background, in WSpritesStep step)
    {
        const int W = WSpritesScript.FrameWidth, H = WSpritesScript.FrameHeight, S = CharacterSprite.Size;
        var frame = background.Frame(step.BackgroundX, step.BackgroundY).Clone();
        var mask = new GrayImage(W, H);
        var cell = sprite.Cell(step.Local, step.ActionFrame);
        var px = frame.Pixels;
        for (int cy = 0; cy < S; cy++)
        {
            int y = step.Y + cy;
            if (y < 0 || y >= H) continue;
            for (int cx = 0; cx < S; cx++)
            {
                int x = step.X + cx;
                if (x < 0 || x >= W) continue;
                int c = (cy * S + cx) * 4, a = cell[c + 3];
                if (a == 0) continue;
                int o = (y * W + x) * 3;
                if (a == 255)
                {
                    px[o] = cell[c]; px[o + 1] = cell[c + 1]; px[o + 2] = cell[c + 2];
                }
                else
                {
                    for (int k = 0; k < 3; k++) px[o + k] = (byte)((cell[c + k] * a + px[o + k] * (255 - a) + 127) / 255);
                }
                mask.Pixels[y * W + x] = (byte)a;
            }
        }
        return (frame, mask);
    }
}
