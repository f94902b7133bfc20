using System.Runtime.InteropServices;

namespace Glass.Cli;

/// <summary>
/// Ctrl-C / SIGTERM for a long synchronous loop (training): the first signal cancels <see cref="Token"/> so the loop
/// finishes its step and writes a checkpoint; a second one exits at once (130). We handle the signals ourselves so
/// the loop is never killed mid-write.
/// </summary>
public sealed class GracefulStop : IDisposable
{
    readonly CancellationTokenSource _stop;
    readonly PosixSignalRegistration _sigint, _sigterm;

    /// <param name="notice">printed on the first signal: what happens now</param>
    public GracefulStop(string notice, CancellationToken outer)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!_stop.IsCancellationRequested) Console.Error.WriteLine($"\n{notice} (press Ctrl-C again to abort)...");
            else Environment.Exit(130);
            _stop.Cancel();
        }
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _stop.Dispose();
    }
}
