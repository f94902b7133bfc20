using System.CommandLine;
using Glass.Cli.Commands.Data;

namespace Glass.Cli.Commands;

/// <summary>`glass data …`: make datasets (W-Sprites from LPC sheets or built-in characters, imported videos), inspect
/// them; one file per subcommand under Commands/Data/.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Make and inspect datasets: W-Sprites (LPC or built-in characters), imported videos.");
        command.Subcommands.Add(WSpritesCommand.Create());
        command.Subcommands.Add(ImportCommand.Create());
        command.Subcommands.Add(SheetCommand.Create());
        command.Subcommands.Add(DatasetInfoCommand.Create());
        return command;
    }
}
