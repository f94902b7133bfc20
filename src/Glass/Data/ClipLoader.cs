using Glass.Config;
using Glass.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Data;

/// <summary>
/// Feeds the model: samples windows of <c>observations_count</c> frames (with <c>skip_frames</c> between
/// them) from every video of a split, as the reference's VideoDataset does, crops and resizes them, and
/// returns <see cref="ClipBatch"/>es. Decoding and batch assembly run on background threads into a bounded,
/// ordered queue (the batch sequence depends only on the seed, never on thread timing), and decoded frames
/// are cached up to a budget, so a training step finds its next batch ready.
/// </summary>
public sealed class ClipLoader : IDisposable
{
    readonly VideoDataset _dataset;
    readonly FrameTransform _transform;
    readonly ClipLoaderOptions _options;
    readonly FrameCache _cache;
    readonly long[] _windowStarts;   // cumulative window counts per video
    readonly long _windowCount;
    readonly long _batchesPerEpoch;
    readonly bool _withMasks, _withGlobal, _withShifts, _withLocal, _withBg;
    readonly SemaphoreSlim _workerSlots;
    readonly CancellationTokenSource _cancel = new();
    readonly Queue<(long Index, Task<BatchData> Task)> _pending = new();
    readonly object _permLock = new();
    long _permEpoch = -1;
    long[]? _perm;
    long _nextToSchedule;
    long _nextToReturn;
    bool _disposed;

    static readonly float[] PixelToUnit = Enumerable.Range(0, 256).Select(p => 2f * p / 255f - 1f).ToArray();
    static readonly float[] PixelToMask = Enumerable.Range(0, 256).Select(p => p / 255f).ToArray();

    ClipLoader(VideoDataset dataset, FrameTransform transform, ClipLoaderOptions options)
    {
        options.Validate();
        _dataset = dataset;
        _transform = transform;
        _options = options;
        _cache = new FrameCache(options.CacheBytes);

        int span = options.ObservationsCount + (options.ObservationsCount - 1) * options.SkipFrames;
        var videos = dataset.Videos;
        _windowStarts = new long[videos.Count + 1];
        for (int v = 0; v < videos.Count; v++)
        {
            long windows = videos[v].FrameCount >= span ? (videos[v].FrameCount - span) / options.WindowStride + 1 : 0;
            _windowStarts[v + 1] = _windowStarts[v] + windows;
        }
        _windowCount = _windowStarts[^1];
        if (_windowCount == 0)
            throw new GlassException($"{dataset.Root} ({dataset.Split}): no video has the {span} frames a clip of {options.ObservationsCount} observations with skip {options.SkipFrames} needs (longest has {videos.Max(v => v.FrameCount)})");
        _batchesPerEpoch = options.DropLast ? _windowCount / options.BatchSize : (_windowCount + options.BatchSize - 1) / options.BatchSize;
        if (_batchesPerEpoch == 0)
            throw new GlassException($"{dataset.Root} ({dataset.Split}): {_windowCount} clips are fewer than one batch of {options.BatchSize}");

        _withMasks = options.LoadMasks && dataset.HasMasks;
        bool All(Func<VideoMetadata, object?> field) => videos.All(v => v.Metadata is { } m && field(m) is not null);
        _withGlobal = All(m => m.Global);
        _withShifts = All(m => m.Shifts);
        _withLocal = All(m => m.Local);
        _withBg = All(m => m.BackgroundShifts);
        _nextToSchedule = _nextToReturn = options.StartBatch;
        _workerSlots = new SemaphoreSlim(Math.Max(1, Math.Min(options.Workers, Environment.ProcessorCount)));
    }

    /// <summary>Opens the split with explicit data settings (crop/input size as in data.*): tools and tests.</summary>
    public static ClipLoader Open(string root, string split, ClipLoaderOptions options, int[]? crop, int width, int height,
        string style = "splitted", int? offset = null, int? maxNumVideos = null, double[]? splitRatios = null) =>
        new(VideoDataset.Open(root, split, style, offset, maxNumVideos, splitRatios), new FrameTransform(crop, width, height), options);

    /// <summary>
    /// A loader for one split as the config describes it: <c>data.*</c> for the videos and the crop/resize;
    /// <c>training.batching</c> for "train" (seeded shuffle with <c>training.seed</c>, endless, last partial
    /// batch dropped), <c>evaluation.batching</c> for "val"/"test" (file order, one pass, all clips). The one
    /// factory of training and evaluation: <paramref name="adjust"/> adds what a use sets beyond the config (a
    /// resumed run's first batch and frame curriculum; evaluation's clip length and windows).
    /// </summary>
    public static ClipLoader FromConfig(GlassConfig config, string split, Device? device = null, bool? training = null, Action<ClipLoaderOptions>? adjust = null)
    {
        split = VideoDataset.NormalizeSplit(split);
        bool train = training ?? split == "train";
        var batching = train ? config.Training.Batching : config.Evaluation.Batching;
        var key = train ? "training.batching" : "evaluation.batching";
        if (batching.ObservationStacking != 1)
            throw new GlassException($"{key}.observation_stacking: {batching.ObservationStacking} is not supported (GLASS uses 1)");
        var options = new ClipLoaderOptions
        {
            BatchSize = batching.BatchSize,
            ObservationsCount = batching.ObservationsCount,
            SkipFrames = batching.SkipFrames,
            Workers = Math.Max(1, Math.Min(batching.NumWorkers, Environment.ProcessorCount)),
            Shuffle = train,
            Repeat = train,
            DropLast = train,
            Seed = config.Training.Seed,
            Device = device,
        };
        adjust?.Invoke(options);
        return new ClipLoader(DatasetFromConfig(config.Data, split), TransformFromConfig(config.Data), options);
    }

    /// <summary>The split's videos as data.data_root / dataset_style / offset / max_num_videos / split_ratios say.</summary>
    static VideoDataset DatasetFromConfig(DataConfig data, string split) =>
        VideoDataset.Open(data.DataRoot, split, data.DatasetStyle, data.Offset, data.MaxNumVideos, data.SplitRatios);

    /// <summary>data.crop then data.input_size (width, height).</summary>
    static FrameTransform TransformFromConfig(DataConfig data)
    {
        if (data.InputSize is not { Length: 2 }) throw new GlassException("data.input_size: expected [width, height]");
        return new FrameTransform(data.Crop, data.InputSize[0], data.InputSize[1]);
    }

    public VideoDataset Dataset => _dataset;
    public FrameTransform Transform => _transform;
    /// <summary>All (video, first frame) windows of the split.</summary>
    public long ClipCount => _windowCount;
    public long BatchesPerEpoch => _batchesPerEpoch;
    /// <summary>Batches returned so far.</summary>
    public long BatchesServed => _nextToReturn;
    public FrameCache Cache => _cache;
    public bool HasMasks => _withMasks;
    public bool HasGroundTruthActions => _withGlobal && _withLocal;

    /// <summary>The next batch with <c>observations_count</c> frames (or what the FramesSchedule asked for).
    /// Its tensors join the caller's current dispose scope, if any.</summary>
    public ClipBatch NextBatch() => NextBatch(null);

    /// <summary>The next batch cut to its first <paramref name="framesPerClip"/> frames (the training curriculum).</summary>
    public ClipBatch NextBatch(int framesPerClip) => NextBatch((int?)framesPerClip);

    ClipBatch NextBatch(int? frames)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_options.Repeat && _nextToReturn >= _batchesPerEpoch)
            throw new InvalidOperationException("the loader made one pass over the split (Repeat = false); use Batches() to iterate");
        Fill();
        var (index, task) = _pending.Dequeue();
        _nextToReturn = index + 1;
        Fill();
        BatchData data;
        try
        {
            data = task.GetAwaiter().GetResult();
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            throw e.InnerExceptions[0];
        }
        if (frames is { } n && (n <= 0 || n > data.Frames))
            throw new GlassException($"requested {n} frames per clip but batches hold {data.Frames} (observations_count {_options.ObservationsCount}); raise batching.observations_count");
        var batch = data.ToBatch(_options.Device);
        if (frames is not { } f || f == data.Frames) return batch;
        using (batch) return batch.FirstFrames(f);
    }

    /// <summary>One pass over the split in loader order (for evaluation: set Shuffle = false, Repeat = false, DropLast = false).</summary>
    public IEnumerable<ClipBatch> Batches()
    {
        long end = _options.Repeat ? long.MaxValue : _batchesPerEpoch;
        while (_nextToReturn < end) yield return NextBatch();
    }

    void Fill()
    {
        long limit = _options.Repeat ? long.MaxValue : _batchesPerEpoch;
        while (_pending.Count < _options.Prefetch && _nextToSchedule < limit)
        {
            var index = _nextToSchedule++;
            var token = _cancel.Token;
            _pending.Enqueue((index, Task.Run(async () =>
            {
                await _workerSlots.WaitAsync(token).ConfigureAwait(false);
                try { return Build(index, token); }
                finally { _workerSlots.Release(); }
            }, token)));
        }
    }

    /// <summary>Windows (as global window ids) of batch k.</summary>
    long[] WindowsOf(long batchIndex)
    {
        long epoch = batchIndex / _batchesPerEpoch, within = batchIndex % _batchesPerEpoch;
        long first = within * _options.BatchSize;
        int count = (int)Math.Min(_options.BatchSize, _windowCount - first);
        var result = new long[count];
        if (!_options.Shuffle)
        {
            for (int i = 0; i < count; i++) result[i] = first + i;
            return result;
        }
        lock (_permLock)
        {
            if (_permEpoch != epoch)
            {
                _perm ??= new long[_windowCount];
                for (long i = 0; i < _windowCount; i++) _perm[i] = i;
                DeterministicRandom.For(_options.Seed, 0x10ade7, epoch).Shuffle(_perm);
                _permEpoch = epoch;
            }
            Array.Copy(_perm!, first, result, 0, count);
        }
        return result;
    }

    (int Video, int Start) Locate(long window)
    {
        int v = Array.BinarySearch(_windowStarts, window);
        v = v >= 0 ? v : ~v - 1;
        while (_windowStarts[v + 1] <= window) v++; // skip videos without windows
        return (v, (int)(window - _windowStarts[v]) * _options.WindowStride);
    }

    BatchData Build(long batchIndex, CancellationToken token)
    {
        var windows = WindowsOf(batchIndex);
        int frames = _options.FramesSchedule is { } schedule ? schedule(batchIndex) : _options.ObservationsCount;
        if (frames <= 0 || frames > _options.ObservationsCount)
            throw new GlassException($"frames schedule gave {frames} frames for batch {batchIndex}; it must be 1..{_options.ObservationsCount} (batching.observations_count)");
        int b = windows.Length, h = _transform.Height, w = _transform.Width, plane = h * w;
        var data = new BatchData(b, frames, h, w, _withMasks, _withGlobal, _withShifts, _withLocal, _withBg);
        for (int i = 0; i < b; i++)
        {
            token.ThrowIfCancellationRequested();
            var (vi, start) = Locate(windows[i]);
            var video = _dataset.Videos[vi];
            data.Names[i] = video.Name;
            data.Starts[i] = start;
            data.Identities[i] = video.Identity;
            var meta = video.Metadata;
            for (int t = 0; t < frames; t++)
            {
                int f = start + t * (_options.SkipFrames + 1);
                var rgb = _cache.GetOrAdd(vi, f, false, () => _transform.Apply(ImageIO.ReadRgb(video.FramePath(f))).Pixels);
                int o = (i * frames + t) * 3 * plane;
                for (int p = 0, q = 0; p < plane; p++, q += 3)
                {
                    data.Observations[o + p] = PixelToUnit[rgb[q]];
                    data.Observations[o + plane + p] = PixelToUnit[rgb[q + 1]];
                    data.Observations[o + 2 * plane + p] = PixelToUnit[rgb[q + 2]];
                }
                if (_withMasks)
                {
                    var m = _cache.GetOrAdd(vi, f, true, () => _transform.Apply(ImageIO.ReadGray(video.MaskPath(f))).Pixels);
                    int mo = (i * frames + t) * plane;
                    for (int p = 0; p < plane; p++) data.Masks![mo + p] = PixelToMask[m[p]];
                }
                int g = i * frames + t;
                if (_withGlobal) data.Global![g] = meta!.Global![f];
                if (_withLocal) data.Local![g] = meta!.Local![f];
                if (_withShifts) { data.Shifts![2 * g] = meta!.Shifts![f][0]; data.Shifts[2 * g + 1] = meta.Shifts[f][1]; }
                if (_withBg) { data.Bg![2 * g] = meta!.BackgroundShifts![f][0]; data.Bg[2 * g + 1] = meta.BackgroundShifts[f][1]; }
            }
        }
        return data;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _cancel.Cancel();
        foreach (var (_, task) in _pending)
        {
            try { task.Wait(); } catch (AggregateException) { } // cancelled or failed: nobody will read it
        }
        _pending.Clear();
        _cancel.Dispose();
        _workerSlots.Dispose();
    }

    /// <summary>A batch assembled in managed memory by a worker; turned into tensors on the consumer's thread.</summary>
    sealed class BatchData(int b, int t, int h, int w, bool masks, bool global, bool shifts, bool local, bool bg)
    {
        public readonly int B = b, Frames = t, H = h, W = w;
        public readonly float[] Observations = new float[b * t * 3 * h * w];
        public readonly float[]? Masks = masks ? new float[b * t * h * w] : null;
        public readonly long[]? Global = global ? new long[b * t] : null;
        public readonly float[]? Shifts = shifts ? new float[b * t * 2] : null;
        public readonly long[]? Local = local ? new long[b * t] : null;
        public readonly float[]? Bg = bg ? new float[b * t * 2] : null;
        public readonly long[] Identities = new long[b];
        public readonly string[] Names = new string[b];
        public readonly int[] Starts = new int[b];

        public ClipBatch ToBatch(Device? device)
        {
            Tensor Put(Tensor x)
            {
                if (device is null || device.type == DeviceType.CPU) return x;
                var moved = x.to(device);
                x.Dispose();
                return moved;
            }
            return new ClipBatch
            {
                Observations = Put(torch.tensor(Observations, new long[] { B, Frames, 3, H, W })),
                Masks = Masks is null ? null : Put(torch.tensor(Masks, new long[] { B, Frames, 1, H, W })),
                GlobalActions = Global is null ? null : Put(torch.tensor(Global, new long[] { B, Frames })),
                Shifts = Shifts is null ? null : Put(torch.tensor(Shifts, new long[] { B, Frames, 2 })),
                LocalActions = Local is null ? null : Put(torch.tensor(Local, new long[] { B, Frames })),
                BackgroundShifts = Bg is null ? null : Put(torch.tensor(Bg, new long[] { B, Frames, 2 })),
                Identities = Put(torch.tensor(Identities, new long[] { B })),
                VideoNames = Names,
                InitialFrames = Starts,
            };
        }
    }
}
