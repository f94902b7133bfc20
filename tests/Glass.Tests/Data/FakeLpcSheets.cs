using Glass.Data.WSprites;
using Glass.IO;

namespace Glass.Tests.Data;

/// <summary>
/// LPC-layout sprite sheets made by the test (no licensed art): in the body sheet every 64 × 64 cell holds
/// an opaque rectangle whose colour encodes its (row, column) — R = 12·row, G = 19·column — plus a small
/// marker whose position depends on the column (so cells differ in shape); the hair sheet adds a
/// half-transparent square (partial alpha); the other layers are empty.
/// </summary>
static class FakeLpcSheets
{
    public const int BodyX0 = 24, BodyY0 = 20, BodyX1 = 40, BodyY1 = 56;

    public static string Create(int sheetWidth = LpcCharacterLibrary.SheetWidth, int sheetHeight = LpcCharacterLibrary.SheetHeight)
    {
        var root = TestPaths.NewTempDir("glass-fake-lpc");
        foreach (var layer in new[] { "body", "bottomwear", "topwear", "hair", "shoes" })
        {
            Directory.CreateDirectory(Path.Combine(root, "sprites", layer));
            for (int choice = 0; choice < 6; choice++)
                File.WriteAllBytes(Path.Combine(root, "sprites", layer, $"{choice}.png"), Sheet(layer, choice, sheetWidth, sheetHeight));
        }
        var bg = new RgbImage(256, 256);
        var rng = new Random(11);
        // Smooth-ish texture: random values on a 4 px grid.
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 256; x++)
            {
                int v = (x / 4 * 37 + y / 4 * 101) % 97;
                bg.Pixels[(y * 256 + x) * 3] = (byte)(60 + v);
                bg.Pixels[(y * 256 + x) * 3 + 1] = (byte)(90 + (v * 3) % 50);
                bg.Pixels[(y * 256 + x) * 3 + 2] = (byte)(40 + rng.Next(4));
            }
        ImageIO.WritePng(Path.Combine(root, "background.jpg"), bg); // decoded by content, like any image
        return root;
    }

    static byte[] Sheet(string layer, int choice, int w, int h)
    {
        var rgba = new byte[w * h * 4];
        void Put(int x, int y, byte r, byte g, byte b, byte a)
        {
            if (x >= w || y >= h) return;
            int o = (y * w + x) * 4;
            rgba[o] = r; rgba[o + 1] = g; rgba[o + 2] = b; rgba[o + 3] = a;
        }
        for (int row = 0; row < h / 64; row++)
            for (int col = 0; col < w / 64; col++)
            {
                int ox = col * 64, oy = row * 64;
                if (layer == "body")
                {
                    for (int y = BodyY0; y < BodyY1; y++)
                        for (int x = BodyX0; x < BodyX1; x++) Put(ox + x, oy + y, (byte)(12 * row), (byte)(19 * col), (byte)(90 + 20 * choice), 255);
                    for (int y = 14; y < 17; y++)
                        for (int x = 20 + 2 * col; x < 23 + 2 * col; x++) Put(ox + x, oy + y, 200, 200, 200, 255);
                }
                else if (layer == "hair")
                {
                    for (int y = 8; y < 12; y++)
                        for (int x = 30; x < 34; x++) Put(ox + x, oy + y, (byte)(40 * choice), 30, 30, 128);
                }
            }
        return PngBuilder.Build(w, h, 6, rgba);
    }

    /// <summary>(row, column) encoded in the body colour of a composed cell (read inside the body rectangle).</summary>
    public static (int Row, int Column) Decode(byte r, byte g) => (r / 12, g / 19);
}
