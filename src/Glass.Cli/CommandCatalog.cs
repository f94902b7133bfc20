using System.CommandLine;
using System.Reflection;

namespace Glass.Cli.Commands;

/// <summary>Every subcommand of `glass`: each `*Command` class in this namespace, one file each
/// under Commands/, contributes its `public static Command Create()`.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
        typeof(CommandCatalog).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(CommandCatalog).Namespace && t.Name.EndsWith("Command", StringComparison.Ordinal))
            .Select(t => t.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes))
            .Where(m => m is not null && m.ReturnType == typeof(Command))
            .Select(m => (Command)m!.Invoke(null, null)!)
            .OrderBy(c => c.Name, StringComparer.Ordinal);
}
