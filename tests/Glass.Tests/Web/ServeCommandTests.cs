using System.Diagnostics;
using System.Text.Json;
using Glass.Tests.Cli;
using Glass.Tests.Data;
using Xunit;

namespace Glass.Tests.Web;

/// <summary>`glass serve` as a user runs it: a child process, its console lines, Ctrl-C.</summary>
// The tiny model is calibrated with sampled actions from the process-wide generator: built while no other test draws.
[Collection(nameof(GlobalTorchRandom))]
public class ServeCommandTests
{
    [Fact]
    public void MissingCheckpointIsOneLineError()
    {
        var missing = Path.Combine(TestPaths.NewTempDir(), "nothing.glass");
        var r = CliProcess.Run("serve", "--checkpoint", missing);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("error: ", r.StdErr);
        Assert.Contains("nothing.glass", r.StdErr);
        Assert.Single(r.StdErr.Trim().Split('\n'));
    }

    [Fact]
    public async Task ServesUntilInterruptedAndWarnsWhenNotLoopback()
    {
        var data = TinyDataset.Splitted();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Glass.Cli.dll"), "serve", "--checkpoint", TinyGlass.Checkpoint, "--port", "0", "--host", "0.0.0.0", "--data", data, "--characters", "3" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        try
        {
            string? line;
            var clock = Stopwatch.StartNew();
            while ((line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))) is not null && !line.StartsWith("Glass playground: "))
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "no address printed");
            Assert.NotNull(line);
            var address = line!["Glass playground: ".Length..].Split(' ')[0];
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var info = JsonDocument.Parse(await http.GetStringAsync("/api/info")).RootElement;
            Assert.Equal(["character", "dataset"], info.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("key").GetString()));
            Assert.Equal(3, info.GetProperty("sources")[0].GetProperty("items").GetArrayLength());
            lock (stderr) Assert.Contains("warning: listening on 0.0.0.0", stderr.ToString());

            // Ctrl-C: a clean stop with exit code 0.
            Glass.Tests.Cli.Interrupt.Send(process.Id);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "glass serve did not stop on SIGINT");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
