using System.Globalization;
using System.Text.Json;
using TorchSharp;

namespace Glass.Training;

/// <summary>
/// Where a run's scalars go: `scalars.jsonl` (one JSON object per logged step, appended and flushed,
/// so a killed run keeps everything logged so far) and TensorBoard event files under `tensorboard/`.
/// </summary>
public sealed class TrainingLog : IDisposable
{
    readonly StreamWriter _jsonl;
    readonly TorchSharp.Modules.SummaryWriter _tensorboard;

    public TrainingLog(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        _jsonl = new StreamWriter(new FileStream(Path.Combine(runDirectory, "scalars.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read));
        _tensorboard = torch.utils.tensorboard.SummaryWriter(Path.Combine(runDirectory, "tensorboard"), createRunName: false);
    }

    /// <summary>Writes one step's scalars to both sinks.</summary>
    public void Scalars(long step, IReadOnlyDictionary<string, double> values)
    {
        var record = new Dictionary<string, object> { ["step"] = step, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 };
        foreach (var (k, v) in values)
        {
            record[k] = double.IsFinite(v) ? v : v.ToString(CultureInfo.InvariantCulture);
            _tensorboard.add_scalar(k, (float)v, (int)step);
        }
        _jsonl.WriteLine(JsonSerializer.Serialize(record));
        _jsonl.Flush();
    }

    /// <summary>A free-text line for the run's history (which VGG, resumes, warnings).</summary>
    public void Text(long step, string tag, string text)
    {
        _tensorboard.add_text(tag, text, (int)step);
        _jsonl.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["step"] = step, ["event"] = tag, ["text"] = text }));
        _jsonl.Flush();
    }

    public void Dispose()
    {
        _jsonl.Dispose();

    }
}
