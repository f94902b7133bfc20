using Glass.Checkpoints;
using Glass.IO;
using Glass.Tests.Cli;
using Xunit;

namespace Glass.Tests.Training;

/// <summary>`glass train` end to end, as a user runs it: a run, a resume, and the user errors.</summary>
public class TrainCommandTests
{
    static string TinyConfigFile(out string runs)
    {
        var config = TinySetup.Config(TinySetup.Dataset());
        var dir = TestPaths.NewTempDir("glass-train-cli");
        var path = Path.Combine(dir, "tiny.yaml");
        File.WriteAllText(path, config.ToYaml());
        runs = Path.Combine(dir, "runs");
        return path;
    }

    [Fact]
    public void TrainsResumesAndReportsUserErrors()
    {
        var config = TinyConfigFile(out var runs);
        var first = CliProcess.Run("train", "--config", config, "--run", "tiny", "--runs-dir", runs, "--steps", "2");
        Assert.True(first.ExitCode == 0, first.StdErr);
        Assert.Contains("finished at step 2", first.StdOut);
        var latest = Path.Combine(runs, "tiny", "checkpoints", "latest.glass");
        using (var c = GlassCheckpoint.Read(latest)) Assert.Equal(2, c.GlobalStep);

        // Starting over a finished run without --resume would overwrite it: refused.
        var again = CliProcess.Run("train", "--config", config, "--run", "tiny", "--runs-dir", runs, "--steps", "3");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("--resume", again.StdErr);

        var resumed = CliProcess.Run("train", "--config", config, "--run", "tiny", "--runs-dir", runs, "--steps", "3", "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.StdErr);
        Assert.Contains("finished at step 3", resumed.StdOut);
        var jsonl = File.ReadAllLines(Path.Combine(runs, "tiny", "scalars.jsonl"));
        Assert.Contains(jsonl, l => l.Contains("\"step\":3") && l.Contains("total_loss"));

        var missing = CliProcess.Run("train", "--config", config, "--run", "other", "--runs-dir", runs, "--resume");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error:", missing.StdErr.Trim());
        Assert.DoesNotContain("   at ", missing.StdErr); // no stack trace for user errors

        var typo = Path.Combine(Path.GetDirectoryName(config)!, "typo.yaml");
        File.WriteAllText(typo, File.ReadAllText(config).Replace("max_steps:", "max_stepz:"));
        var bad = CliProcess.Run("train", "--config", typo, "--run", "x", "--runs-dir", runs);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("max_stepz", bad.StdErr);
    }

    [Fact]
    public void LocalMotionOnlyFineTuningKeepsTheGlobalMotionOfItsInit()
    {
        var config = TinyConfigFile(out var runs);
        var first = CliProcess.Run("train", "--config", config, "--run", "base", "--runs-dir", runs, "--steps", "1");
        Assert.True(first.ExitCode == 0, first.StdErr);
        var init = Path.Combine(runs, "base", "checkpoints", "latest.glass");

        var localOnly = Path.Combine(Path.GetDirectoryName(config)!, "local-only.yaml");
        File.WriteAllText(localOnly, File.ReadAllText(config)
            .Replace("staged: false", "staged: true")
            .Replace("pretraining_steps_gma: " + TinySetup.Config(TinySetup.Dataset()).Training.PretrainingStepsGma, "pretraining_steps_gma: 0"));
        var parsed = Glass.Config.GlassConfig.Load(localOnly);
        Assert.True(parsed.Training.Staged && parsed.Training.PretrainingStepsGma == 0, "the config edit did not apply");

        // Without --init the frozen global-motion networks would be random: refused with the fix.
        var noInit = CliProcess.Run("train", "--config", localOnly, "--run", "ft", "--runs-dir", runs, "--steps", "2");
        Assert.Equal(1, noInit.ExitCode);
        Assert.Contains("--init", noInit.StdErr);

        var ft = CliProcess.Run("train", "--config", localOnly, "--run", "ft", "--runs-dir", runs, "--steps", "2", "--init", init);
        Assert.True(ft.ExitCode == 0, ft.StdErr);
        using var before = GlassCheckpoint.Read(init);
        using var after = GlassCheckpoint.Read(Path.Combine(runs, "ft", "checkpoints", "latest.glass"));
        int globalSame = 0, localChanged = 0;
        foreach (var (name, value) in before.ModelState)
        {
            bool same = value.equal(after.ModelState[name]).all().item<bool>();
            if (name.StartsWith("local_action_separator.")) { if (!same && value.is_floating_point()) localChanged++; }
            else { Assert.True(same, $"{name} changed in a local-motion-only run"); globalSame++; }
        }
        Assert.True(globalSame > 0 && localChanged > 0, $"{globalSame} global tensors kept, {localChanged} local ones changed");

        // --init-networks global: the same global motion, but local motion from the run's own random initialisation.
        var noInitGlobal = CliProcess.Run("train", "--config", localOnly, "--run", "ftg", "--runs-dir", runs, "--steps", "2", "--init-networks", "global");
        Assert.Equal(1, noInitGlobal.ExitCode);
        Assert.Contains("--init", noInitGlobal.StdErr);
        // (Another seed: the base run's local weights are still its seed's initialisation, untrained in GMA pre-training.)
        var ftg = CliProcess.Run("train", "--config", localOnly, "--run", "ftg", "--runs-dir", runs, "--steps", "2", "--init", init, "--init-networks", "global", "--seed", "2");
        Assert.True(ftg.ExitCode == 0, ftg.StdErr);
        using var fresh = GlassCheckpoint.Read(Path.Combine(runs, "ftg", "checkpoints", "latest.glass"));
        int convs = 0;
        foreach (var (name, value) in before.ModelState)
        {
            if (!name.StartsWith("local_action_separator."))
            {
                Assert.True(value.equal(fresh.ModelState[name]).all().item<bool>(), $"{name} is not the init's");
                continue;
            }
            if (value.dim() != 4) continue;
            // Two Adam steps move a weight by at most about 2 * learning_rate; a fresh initialisation is far away.
            double continued = (after.ModelState[name] - value).abs().max().item<float>();
            double restarted = (fresh.ModelState[name] - value).abs().max().item<float>();
            Assert.True(continued < 0.01 && restarted > 0.02, $"{name}: {continued} from the init's local weights when continued, {restarted} when fresh");
            convs++;
        }
        Assert.True(convs > 3, $"only {convs} local convolution weights compared");
    }

    [Fact]
    public async Task CtrlCWritesACheckpointAndExitsCleanly()
    {
        var config = TinyConfigFile(out var runs);
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Glass.Cli.dll"), "train", "--config", config, "--run", "long", "--runs-dir", runs, "--steps", "100000" })
            psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var errLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var stepSeen = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) => { if (e.Data is null) return; errLines.Enqueue(e.Data); if (e.Data.StartsWith("train: ")) stepSeen.Set(); };
        process.BeginErrorReadLine();
        if (!stepSeen.Wait(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("training never reported a step: " + string.Join("\n", errLines));
        }
        Glass.Tests.Cli.Interrupt.Send(process.Id);
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "training did not stop after SIGINT");
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("interrupted at step", await stdout);
        using var c = GlassCheckpoint.Read(Path.Combine(runs, "long", "checkpoints", "latest.glass"));
        Assert.True(c.GlobalStep >= 1);
    }

    [Fact]
    public void AScheduleThatCannotWorkIsRefused()
    {
        var config = TinyConfigFile(out var runs);
        var text = File.ReadAllText(config).Replace("gt_observations_start: 2", "gt_observations_start: 9");
        File.WriteAllText(config, text);
        var r = CliProcess.Run("train", "--config", config, "--run", "x", "--runs-dir", runs);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("gt_observations_start", r.StdErr);
    }
}
