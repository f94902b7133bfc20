using System.CommandLine;
using Glass.Cli.Commands;
using Glass.Model.Kernels;

var root = new RootCommand("Glass: train and play GLASS (Global and Local Action-driven Sequence Synthesis) video generators.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
// The convolution self-check found a fast kernel wrong on this CPU and routed around it: say so once (docs/cpu-kernels.md).
ConvolutionKernels.Process.Checked += check =>
{
    if (check.Switched) Console.Error.WriteLine($"note: convolution {check} (docs/cpu-kernels.md)");
};
if (ConvolutionKernels.DirectByEnvironment)
    Console.Error.WriteLine($"warning: {ConvolutionKernels.EnvironmentVariable}=direct: convolutions run without the workaround for faulty CPU kernels (docs/cpu-kernels.md); unset it for real results");
// Ctrl-C cancels the command's token; long commands (training) finish their step and write a
// checkpoint, so give them time before the process is terminated.
return root.Parse(args).Invoke(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(120) });
