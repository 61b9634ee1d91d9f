
namespace MultipartAbort.Core.Concurrency;

/// <summary>
/// How many uploads a process works on at once (docs/cli.md, "Adaptive concurrency"): a fixed number when SWEEP_CONCURRENCY (or
/// <c>--concurrency</c>) pins it, else an <see cref="AdaptiveLimit"/> (AIMD) fed by every store request through
/// <see cref="LimitedObjectStore"/>. Sweeps and batches take a lease per upload; an upload makes one store request
/// at a time, so uploads in flight are requests in flight. One limiter per process: what one sweep learned about
/// the store, the next starts from.
/// </summary>
public sealed class ConcurrencyLimiter
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private readonly AdaptiveLimit? _adaptive;
    private readonly int _fixed;
    private int _inFlight;
    private long _drops;

    private ConcurrencyLimiter(int fixedLimit, AdaptiveLimit? adaptive)
    {
        _fixed = fixedLimit;
        _adaptive = adaptive;
    }

    public static ConcurrencyLimiter Fixed(int limit) => new(Math.Max(1, limit), null);

    public static ConcurrencyLimiter Adaptive(AdaptiveLimit? limit = null) => new(0, limit ?? new AdaptiveLimit());

    /// <summary>The limiter SWEEP_CONCURRENCY asks for: null is adaptive.</summary>
    public static ConcurrencyLimiter For(int? pinned) => pinned is { } n ? Fixed(n) : Adaptive();

    public bool IsAdaptive => _adaptive is not null;

    /// <summary>Uploads allowed in flight now.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
                return _adaptive?.Limit ?? _fixed;
        }
    }

    /// <summary>What the limit settled on: the pinned number, or the adaptive limit of the last window that ended clean.</summary>
    public int Settled
    {
        get
        {
            lock (_gate)
                return _adaptive is null ? _fixed : _adaptive.Settled > 0 ? _adaptive.Settled : _adaptive.Limit;
        }
    }

    /// <summary>The most uploads a fan-out may start before it waits for leases: the pinned number or the ceiling.</summary>
    public int MaxConcurrency => _adaptive?.Ceiling ?? _fixed;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests the store refused for load (or that timed out), since the process started.</summary>
    public long Drops => Interlocked.Read(ref _drops);

    /// <summary>Waits until one more upload may start; <see cref="Release"/> when it is done.</summary>
    public Task AcquireAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_waiting.Count == 0 && _inFlight < LimitLocked())
            {
                _inFlight++;
                return Task.CompletedTask;
            }
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter);
            return ct.CanBeCanceled ? WaitAsync(waiter, ct) : waiter.Task;
        }
    }

    /// <summary>
    /// Waits for a lease until <paramref name="ct"/> fires. WaitAsync drops its hold on the token once the wait ends;
    /// a registration per wait would keep every granted waiter alive as long as the token (a whole sweep's).
    /// </summary>
    private async Task WaitAsync(TaskCompletionSource waiter, CancellationToken ct)
    {
        try
        {
            await waiter.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Granted at the moment of cancelling: the lease is ours, so it goes back; else the grant skips this waiter.
            if (!waiter.TrySetCanceled(ct))
                Release();
            throw;
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _inFlight--;
            _adaptive?.OnRelease();
            GrantLocked();
        }
    }

    /// <summary>A store request that answered after <paramref name="latency"/>.</summary>
    public void OnSuccess(TimeSpan latency)
    {
        if (_adaptive is null)
            return;
        lock (_gate)
        {
            _adaptive.OnSuccess(latency, _inFlight);
            GrantLocked();
        }
    }

    /// <summary>A store request refused for load (SlowDown, throttling) or timed out.</summary>
    public void OnDrop()
    {
        Interlocked.Increment(ref _drops);
        if (_adaptive is null)
            return;
        lock (_gate)
            _adaptive.OnDrop();
    }

    /// <summary>
    /// Runs items 0..count-1 with at most <paramref name="limit"/> at once until <paramref name="stopTaking"/> says stop
    /// (the budget's soft deadline), and returns how many were started (a prefix): records of a batch, uploads of a
    /// request, packs of a pass-on. Never ends in an exception because a deadline fired: the items stop being taken, and
    /// each one turns its own cancellation into an outcome, so every result already produced reaches the answer.
    /// </summary>
    public static async Task<int> ForEachIndexAsync(int count, int limit, Func<bool> stopTaking, Func<int, Task> body)
    {
        var started = 0;
        var indexes = Enumerable.Range(0, count).TakeWhile(_ => !stopTaking()).Select(i => started = i + 1).ToAsyncEnumerable();
        await Fixed(limit).ForEachAsync(indexes, i => body(i - 1), CancellationToken.None).ConfigureAwait(false);
        return started;
    }

    /// <summary>
    /// The one fan-out: runs <paramref name="body"/> for each item with one lease each, taking the next item from
    /// <paramref name="items"/> only once a lease is free, and returns when every body has finished; the first
    /// exception of a body (or of the items) is rethrown then.
    /// </summary>
    public async Task ForEachAsync<T>(IAsyncEnumerable<T> items, Func<T, Task> body, CancellationToken ct)
    {
        long pending = 1;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? fault = null;
        await using (var e = items.GetAsyncEnumerator(ct))
        {
            try
            {
                while (true)
                {
                    await AcquireAsync(ct).ConfigureAwait(false);
                    bool more;
                    try
                    {
                        more = await e.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch
                    {
                        Release();
                        throw;
                    }
                    if (!more)
                    {
                        Release();
                        break;
                    }
                    Interlocked.Increment(ref pending);
                    _ = RunAsync(e.Current);
                }
            }
            finally
            {
                Finished();
                await allDone.Task.ConfigureAwait(false);
            }
        }
        if (fault is not null)
            throw fault;

        async Task RunAsync(T item)
        {
            try
            {
                await body(item).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref fault, ex, null);
            }
            finally
            {
                Release();
                Finished();
            }
        }

        void Finished()
        {
            if (Interlocked.Decrement(ref pending) == 0)
                allDone.TrySetResult();
        }
    }

    private int LimitLocked() => _adaptive?.Limit ?? _fixed;

    private void GrantLocked()
    {
        while (_inFlight < LimitLocked() && _waiting.TryDequeue(out var next))
            if (next.TrySetResult())
                _inFlight++;
    }
}
