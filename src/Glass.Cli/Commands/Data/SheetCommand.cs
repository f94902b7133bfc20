using System.CommandLine;
using Glass.Data.WSprites;
using Glass.IO;

namespace Glass.Cli.Commands.Data;

/// <summary>`glass data sheet`: a contact sheet of the characters and their actions.</summary>
public static class SheetCommand
{
    public static Command Create()
    {
        var sprites = new Option<string?>("--sprites") { Description = "LPC sheets folder (the sheet then shows LPC frames: keep it out of the repository)" };
        var builtin = new Option<bool>("--builtin") { Description = "Show the built-in characters" };
        var output = new Option<string>("--out") { Description = "PNG file to write", Required = true };
        var seed = new Option<long>("--seed") { Description = "Background seed (built-in)", DefaultValueFactory = _ => 1 };
        var command = new Command("sheet", "Write a contact sheet PNG: 16 identities, and the 9 actions x 8 frames of two of them.");
        foreach (var o in new Option[] { sprites, builtin, output, seed }) command.Options.Add(o);
        command.SetGuardedAction((result, _) =>
        {
            var library = CharacterLibraries.Choose(result.GetValue(sprites), result.GetValue(builtin), null, result.GetValue(seed), "glass data sheet");
            var strip = WSpritesGenerator.ChooseIdentities(library.IdentityCount, 16);
            // Two identities that differ in every attribute.
            var detail = new[] { 1246, 117 };
            var image = ContactSheet.Render(library, strip, detail);
            ImageIO.WritePng(result.GetValue(output)!, image);
            Console.WriteLine($"{result.GetValue(output)}: {image.Width}x{image.Height}; top: identities {string.Join(", ", strip)}; " +
                              $"blocks: identities {detail[0]} ({library.Describe(detail[0])}) and {detail[1]} ({library.Describe(detail[1])}); " +
                              "block rows = labels 0..8 (" + string.Join(", ", Enumerable.Range(0, LocalActions.Count).Select(LocalActions.Name)) + ")");
            return 0;
        });
        return command;
    }
}
