using static TorchSharp.torch;

namespace Glass.Data;

/// <summary>Settings of a <see cref="ClipLoader"/> (the reference's batching config plus ours).</summary>
public sealed class ClipLoaderOptions
{
    /// <summary>Clips per batch (training.batching.batch_size).</summary>
    public int BatchSize { get; set; } = 4;
    /// <summary>Frames per clip window (batching.observations_count); batches can be cut shorter per call.</summary>
    public int ObservationsCount { get; set; } = 12;
    /// <summary>Frames skipped between consecutive observations (batching.skip_frames).</summary>
    public int SkipFrames { get; set; }
    /// <summary>Shuffle windows each epoch (training) or keep file order (evaluation).</summary>
    public bool Shuffle { get; set; } = true;
    /// <summary>Seed of the shuffling; epoch e uses the stream (Seed, e).</summary>
    public int Seed { get; set; } = 1;
    /// <summary>Cycle through epochs forever (training) or stop after one pass (evaluation).</summary>
    public bool Repeat { get; set; } = true;
    /// <summary>Drop the last incomplete batch of an epoch (the reference's training loader does).</summary>
    public bool DropLast { get; set; } = true;
    /// <summary>Distance between the first frames of consecutive windows of a video (1 = every window, as the reference).</summary>
    public int WindowStride { get; set; } = 1;
    /// <summary>Background decoding threads (batching.num_workers, capped by the core count).</summary>
    public int Workers { get; set; } = 2;
    /// <summary>Batches decoded ahead of the consumer (bounded queue).</summary>
    public int Prefetch { get; set; } = 4;
    /// <summary>Memory for decoded frames (bytes); 0 disables the cache.</summary>
    public long CacheBytes { get; set; } = 1L << 30;
    /// <summary>Load masks when every video has them.</summary>
    public bool LoadMasks { get; set; } = true;
    /// <summary>Device of the returned tensors (null = CPU).</summary>
    public Device? Device { get; set; }
    /// <summary>Optional curriculum: frames to decode for the k-th batch (k = 0, 1, …); default ObservationsCount.</summary>
    public Func<long, int>? FramesSchedule { get; set; }
    /// <summary>Index of the first batch to serve: a resumed run continues the same batch sequence.</summary>
    public long StartBatch { get; set; }

    public void Validate()
    {
        if (BatchSize <= 0) throw new GlassException($"batching.batch_size: {BatchSize} must be > 0");
        if (ObservationsCount <= 0) throw new GlassException($"batching.observations_count: {ObservationsCount} must be > 0");
        if (SkipFrames < 0) throw new GlassException($"batching.skip_frames: {SkipFrames} must be >= 0");
        if (WindowStride <= 0) throw new GlassException($"window stride {WindowStride} must be > 0");
        if (Workers <= 0) throw new GlassException($"batching.num_workers: {Workers} must be > 0");
        if (StartBatch < 0) throw new GlassException($"start batch {StartBatch} must be >= 0");
        if (Prefetch <= 0) throw new GlassException($"prefetch {Prefetch} must be > 0");
    }
}
