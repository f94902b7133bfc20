using System.CommandLine;

namespace Glass.Cli.Commands;

/// <summary>Every subcommand of `glass`, one file each under Commands/.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        InfoCommand.Create(),
        DataCommand.Create(),
        EvaluateCommand.Create(),
    ];
}
