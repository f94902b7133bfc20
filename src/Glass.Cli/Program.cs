using System.CommandLine;
using Glass.Cli;
using Glass.Cli.Commands;

var root = new RootCommand("Glass: train and play GLASS (Global and Local Action-driven Sequence Synthesis) video generators.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return root.Parse(args).Invoke();
