using System.Collections.Concurrent;
using System.Diagnostics;
using TorchSharp;

namespace Glass.Web.Play;

/// <summary>Thrown when the model queue is full: the server answers 503 instead of queueing without bound.</summary>
public sealed class ModelBusyException(string message) : Exception(message);

/// <summary>
/// The one thread that runs torch for every session. Serialising the shared model this way keeps
/// libtorch's thread-local state (grad mode, dispose scopes) on one thread, lets libtorch's own
/// intra-op threads use all cores for each step, and makes queueing visible: each job reports how
/// long it waited and how long it ran.
/// </summary>
public sealed class ModelWorker : IDisposable
{
    readonly BlockingCollection<Job> queue;
    readonly Thread thread;
    long jobs, busyTicks;

    public ModelWorker(int capacity = 64)
    {
        queue = new BlockingCollection<Job>(new ConcurrentQueue<Job>(), capacity);
        thread = new Thread(Loop) { IsBackground = true, Name = "glass-model" };
        thread.Start();
    }

    /// <summary>Jobs run so far.</summary>
    public long JobCount => Interlocked.Read(ref jobs);
    /// <summary>Total time the model thread spent running jobs.</summary>
    public TimeSpan Busy => TimeSpan.FromTicks(Interlocked.Read(ref busyTicks));
    /// <summary>Jobs waiting right now.</summary>
    public int Pending => queue.Count;

    /// <summary>
    /// Runs <paramref name="work"/> on the model thread with gradients off. No dispose scope is opened
    /// around it: a playback's recurrent state is created and replaced inside jobs and must outlive
    /// them, so jobs free their temporaries themselves (using / their own scopes) and return managed values.
    /// </summary>
    /// <exception cref="ModelBusyException">the queue is full.</exception>
    public Task<Timed<T>> Run<T>(Func<T> work)
    {
        var job = new Job<T>(work);
        ObjectDisposedException.ThrowIf(queue.IsAddingCompleted, this);
        if (!queue.TryAdd(job)) throw new ModelBusyException($"the model queue is full ({queue.BoundedCapacity} jobs waiting); try again shortly");
        return job.Completion.Task;
    }

    void Loop()
    {
        using var noGrad = torch.no_grad();
        foreach (var job in queue.GetConsumingEnumerable())
        {
            var start = Stopwatch.GetTimestamp();
            job.Execute();
            var ticks = Stopwatch.GetElapsedTime(start).Ticks;
            Interlocked.Add(ref busyTicks, ticks);
            Interlocked.Increment(ref jobs);
        }
    }

    public void Dispose()
    {
        queue.CompleteAdding();
        thread.Join();
        queue.Dispose();
    }

    abstract class Job
    {
        public abstract void Execute();
    }

    sealed class Job<T>(Func<T> work) : Job
    {
        readonly long enqueued = Stopwatch.GetTimestamp();
        public TaskCompletionSource<Timed<T>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Execute()
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var result = work();
                Completion.SetResult(new Timed<T>(result, Stopwatch.GetElapsedTime(enqueued, started), Stopwatch.GetElapsedTime(started)));
            }
            catch (Exception e)
            {
                Completion.SetException(e);
            }
        }
    }
}

/// <summary>A model-thread result with the time it waited in the queue and the time it ran.</summary>
public readonly record struct Timed<T>(T Value, TimeSpan Queued, TimeSpan Ran);
