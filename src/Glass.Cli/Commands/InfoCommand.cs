using System.CommandLine;
using Glass.Runtime;
using TorchSharp;

namespace Glass.Cli.Commands;

/// <summary>`glass info`: checks that libtorch loads and prints the runtime set-up.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Check the installation: load libtorch and print versions, threads and devices.");
        command.SetGuardedAction((_, _) =>
        {
            TorchRuntime.Initialize();
            Console.WriteLine($"TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch threads {torch.get_num_threads()}, CUDA available: {torch.cuda.is_available()}");
            using var x = torch.ones(2, 3);
            Console.WriteLine($"tensor check: sum(ones(2,3)) = {x.sum().item<float>()}");
            return 0;
        });
        return command;
    }
}
