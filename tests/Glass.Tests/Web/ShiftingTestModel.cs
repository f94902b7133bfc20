using Glass.IO;
using Glass.Web.Play;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Tests.Web;

/// <summary>
/// A test double for the HTTP layer: the frame rolls by the shift (in pixels of the frame) and
/// brightens by the local action id; the mask marks the pixels brighter than the mean. Exact and
/// cheap, so API tests can assert on pixels.
/// </summary>
sealed class ShiftingTestModel : IPlayableModel
{
    public int Width => 32;
    public int Height => 24;
    public int LocalActionCount => 3;
    public IReadOnlyList<NamedAction> GlobalActions { get; } =
    [
        new("right", 0.25f, 0), new("left", -0.25f, 0), new("down", 0, 0.25f), new("up", 0, -0.25f), new("stay", 0, 0),
    ];
    public Device Device => CPU;
    public string Description => "shifting test model";
    public int OpenPlaybacks;

    public IPlayback Start(Tensor firstFrames /* (B, 3, H, W) */) => new Playback(this, firstFrames);

    public RgbImage[][] LocalActionMatrix(Tensor firstFrame /* (1, 3, H, W) */, int frames)
    {
        using var playback = new Playback(this, firstFrame.expand(LocalActionCount, -1, -1, -1));
        using var shifts = zeros(LocalActionCount, 2);
        using var ids = arange(LocalActionCount, dtype: ScalarType.Int64);
        var rows = Enumerable.Range(0, LocalActionCount).Select(_ => new List<RgbImage>()).ToArray();
        using (var scope = NewDisposeScope())
        {
            var start = FrameCodec.Frames(firstFrame)[0];
            foreach (var row in rows) row.Add(start);
        }
        for (int t = 1; t < frames; t++)
        {
            using var step = playback.Step(shifts, ids);
            var images = FrameCodec.Frames(step.Frames);
            for (int k = 0; k < LocalActionCount; k++) rows[k].Add(images[k]);
        }
        return rows.Select(r => r.ToArray()).ToArray();
    }

    public void Dispose() { }

    sealed class Playback : IPlayback
    {
        readonly ShiftingTestModel model;
        readonly Tensor first;
        Tensor current;

        public Playback(ShiftingTestModel model, Tensor firstFrames)
        {
            this.model = model;
            first = firstFrames.clone().DetachFromDisposeScope();
            current = first.clone().DetachFromDisposeScope();
            Interlocked.Increment(ref model.OpenPlaybacks);
        }

        public PlaybackStep Step(Tensor shifts /* (B, 2) */, Tensor ids /* (B) */)
        {
            using var scope = NewDisposeScope();
            var next = current.clone();
            for (int b = 0; b < next.shape[0]; b++)
            {
                int px = (int)Math.Round(shifts[b, 0].item<float>() * model.Width / 2), py = (int)Math.Round(shifts[b, 1].item<float>() * model.Height / 2);
                using var rolled = next[b].roll([py, px], [1, 2]);
                using var bright = rolled.add(ids[b].to(ScalarType.Float32).mul(0.1)).clamp_(-1, 1);
                next[b].copy_(bright);
            }
            current.Dispose();
            current = next.DetachFromDisposeScope();
            var frames = current.clone().MoveToOuterDisposeScope();
            var masks = current.mean([1], keepdim: true).gt(current.mean()).to(ScalarType.Float32).MoveToOuterDisposeScope();
            return new PlaybackStep(frames, masks);
        }

        public void Reset()
        {
            current.Dispose();
            current = first.clone().DetachFromDisposeScope();
        }

        public void Dispose()
        {
            first.Dispose();
            current.Dispose();
            Interlocked.Decrement(ref model.OpenPlaybacks);
        }
    }
}
