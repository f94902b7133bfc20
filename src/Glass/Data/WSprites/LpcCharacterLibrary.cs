using Glass.IO;

namespace Glass.Data.WSprites;

/// <summary>
/// W-Sprites characters from the LPC sprite sheets (<c>sprites/&lt;layer&gt;/&lt;n&gt;.png</c>, 832 × 1344):
/// layers body, bottomwear, topwear, hair (choices 0–5 each) and shoes 1, composed in that order. The
/// identity number is the reference generator's sprite id: its characters sorted by their one-hot
/// attribute strings, i.e. id = 216 (5 − body) + 36 (5 − bottomwear) + 6 (5 − topwear) + (5 − hair).
/// </summary>
public sealed class LpcCharacterLibrary : ICharacterLibrary
{
    public const int SheetWidth = 832, SheetHeight = 1344, Choices = 6, ShoesChoice = 1;
    static readonly string[] Layers = ["body", "bottomwear", "topwear", "hair"];
    static readonly int[] UsedRows = Enumerable.Range(0, LocalActions.Count * LocalActions.FramesPerAction)
        .Select(i => LocalActions.LpcCell(i / 8, i % 8).Row).Distinct().Order().ToArray();

    readonly string _sheetsDir;
    readonly Dictionary<string, Lazy<Dictionary<int, byte[]>>> _sheets = new();

    public string Kind => "lpc";
    public int IdentityCount => Choices * Choices * Choices * Choices;
    public RgbImage Background { get; }
    public string BackgroundPath { get; }
    public string SheetsDirectory => _sheetsDir;

    /// <summary>
    /// <paramref name="dir"/> holds <c>sprites/</c> and <c>background.jpg</c> (as ../shared/wsprites), or is
    /// the sprites folder itself; <paramref name="backgroundPath"/> overrides the background.
    /// </summary>
    public LpcCharacterLibrary(string dir, string? backgroundPath = null)
    {
        if (!Directory.Exists(dir)) throw new GlassException($"{dir}: sprites folder not found") { Input = GlassInput.Sprites };
        _sheetsDir = Directory.Exists(Path.Combine(dir, "sprites", "body")) ? Path.Combine(dir, "sprites")
            : Directory.Exists(Path.Combine(dir, "body")) ? dir
            : throw new GlassException($"{dir}: no LPC sheets found; expected {Path.Combine(dir, "sprites", "body", "0.png")} (folders body, bottomwear, topwear, hair, shoes)");

        var required = Layers.SelectMany(l => Enumerable.Range(0, Choices).Select(c => SheetPath(l, c))).Append(SheetPath("shoes", ShoesChoice));
        foreach (var p in required)
            if (!File.Exists(p)) throw new GlassException($"{p}: sprite sheet missing (W-Sprites needs body, bottomwear, topwear, hair 0-5 and shoes 1)");
        foreach (var p in required)
            _sheets[p] = new Lazy<Dictionary<int, byte[]>>(() => LoadRows(p), LazyThreadSafetyMode.ExecutionAndPublication);

        var parent = Path.GetDirectoryName(Path.GetFullPath(_sheetsDir))!;
        BackgroundPath = backgroundPath
            ?? new[] { Path.Combine(dir, "background.jpg"), Path.Combine(dir, "bg.JPEG"), Path.Combine(dir, "bg.jpg"), Path.Combine(parent, "background.jpg"), Path.Combine(parent, "bg.JPEG") }
                .FirstOrDefault(File.Exists)
            ?? throw new GlassException($"{dir}: background.jpg not found beside the sprites; give the background image") { Input = GlassInput.Background };
        Background = ImageIO.ReadRgb(BackgroundPath);
    }

    string SheetPath(string layer, int choice) => Path.Combine(_sheetsDir, layer, $"{choice}.png");

    /// <summary>Attributes of the reference's sprite id.</summary>
    public static (int Body, int Bottomwear, int Topwear, int Hair) Attributes(int identity)
    {
        if (identity is < 0 or >= 1296) throw new ArgumentOutOfRangeException(nameof(identity));
        return (5 - identity / 216, 5 - identity / 36 % 6, 5 - identity / 6 % 6, 5 - identity % 6);
    }

    public string Describe(int identity)
    {
        var (b, bo, t, h) = Attributes(identity);
        return $"body {b}, bottomwear {bo}, topwear {t}, hair {h}, shoes {ShoesChoice}";
    }

    /// <summary>Decodes a sheet, checks its size, keeps the RGBA rows W-Sprites uses (row -> 64 × 832 × 4 bytes).</summary>
    static Dictionary<int, byte[]> LoadRows(string path)
    {
        var (w, h, rgba) = ImageIO.ReadRgba(path);
        if (w != SheetWidth || h != SheetHeight)
            throw new GlassException($"{path}: sprite sheet is {w}x{h}, expected {SheetWidth}x{SheetHeight} (13 x 21 cells of 64 px)");
        var rows = new Dictionary<int, byte[]>();
        int rowBytes = 64 * SheetWidth * 4;
        foreach (var r in UsedRows) rows[r] = rgba.AsSpan(r * rowBytes, rowBytes).ToArray();
        return rows;
    }

    byte[] Cell(string sheet, int row, int column)
    {
        var rowPixels = _sheets[sheet].Value[row];
        var cell = new byte[64 * 64 * 4];
        for (int y = 0; y < 64; y++)
            Buffer.BlockCopy(rowPixels, (y * SheetWidth + column * 64) * 4, cell, y * 64 * 4, 64 * 4);
        return cell;
    }

    public CharacterSprite Character(int identity)
    {
        var (b, bo, t, h) = Attributes(identity);
        string[] sheets = [SheetPath("body", b), SheetPath("bottomwear", bo), SheetPath("topwear", t), SheetPath("hair", h), SheetPath("shoes", ShoesChoice)];
        var cells = new byte[LocalActions.Count * LocalActions.FramesPerAction][];
        for (int label = 0; label < LocalActions.Count; label++)
            for (int f = 0; f < LocalActions.FramesPerAction; f++)
            {
                var (row, col) = LocalActions.LpcCell(label, f);
                var cell = new byte[64 * 64 * 4];
                foreach (var s in sheets) CharacterSprite.CompositeOver(cell, Cell(s, row, col));
                cells[label * LocalActions.FramesPerAction + f] = cell;
            }
        return new CharacterSprite(cells);
    }
}
