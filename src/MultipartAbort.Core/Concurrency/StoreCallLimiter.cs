namespace MultipartAbort.Core.Concurrency;

/// <summary>
/// Uploads in flight at once: pinned (SWEEP_CONCURRENCY), or an <see cref="AdaptiveLimit"/> fed by every store request
/// that bounds uploads and requests in flight. One per process, so the next sweep starts from what the last learned.
/// </summary>
public sealed class StoreCallLimiter
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private readonly Queue<TaskCompletionSource> _waitingRequests = new();
    private readonly AdaptiveLimit? _adaptive;
    private readonly int _fixed;
    private int _inFlight, _requests;
    private long _drops;

    private StoreCallLimiter(int fixedLimit, AdaptiveLimit? adaptive)
    {
        _fixed = fixedLimit;
        _adaptive = adaptive;
    }

    public static StoreCallLimiter Fixed(int limit) => new(Math.Max(1, limit), null);

    // Slow start from 1 took a tenth of a short sweep behind 20 ms (bench/sweep); 8 is below what stores refuse at,
    // as TCP starts at 10 segments (RFC 6928).
    internal const int InitialLimit = 8;

    internal static StoreCallLimiter Adaptive(AdaptiveLimit? limit = null) => new(0, limit ?? new AdaptiveLimit(InitialLimit));

    // SWEEP_CONCURRENCY: null is adaptive.
    public static StoreCallLimiter For(int? pinned) => pinned is { } n ? Fixed(n) : Adaptive();

    public bool IsAdaptive => _adaptive is not null;

    // Uploads allowed in flight now.
    public int Limit
    {
        get
        {
            lock (_gate)
                return LimitLocked();
        }
    }

    // Pinned, or the last clean adaptive window.
    public int Settled
    {
        get
        {
            lock (_gate)
                return _adaptive?.Settled ?? _fixed;
        }
    }

    // The most uploads a fan-out may start before it waits for leases.
    public int MaxConcurrency => _adaptive?.Ceiling ?? _fixed;

    public int InFlight => Volatile.Read(ref _inFlight);

    // Requests the store refused for load (or that timed out), since the process started.
    public long Drops => Interlocked.Read(ref _drops);

    // Waits until one more upload may start; Release when it is done.
    public Task AcquireAsync(CancellationToken ct)
    {
        lock (_gate)
            return EnterLocked(ref _inFlight, _waiting, Release, ct);
    }

    // Adaptive only: after a cut, the uploads already out would otherwise go on sending at the old rate until each ends.
    public Task AcquireRequestAsync(CancellationToken ct)
    {
        if (_adaptive is null)
            return Task.CompletedTask;
        lock (_gate)
            return EnterLocked(ref _requests, _waitingRequests, ReleaseRequest, ct);
    }

    // Leases and request slots share one rule: in at once while under the limit and nobody waits, else in turn.
    private Task EnterLocked(ref int count, Queue<TaskCompletionSource> waiting, Action release, CancellationToken ct)
    {
        if (waiting.Count == 0 && count < LimitLocked())
        {
            count++;
            return Task.CompletedTask;
        }
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting.Enqueue(waiter);
        return ct.CanBeCanceled ? WaitAsync(waiter, release, ct) : waiter.Task;
    }

    public void ReleaseRequest()
    {
        if (_adaptive is null)
            return;
        lock (_gate)
        {
            _requests--;
            GrantLocked();
        }
    }

    // WaitAsync drops its token hold when done; a registration per wait would keep every waiter alive.
    private static async Task WaitAsync(TaskCompletionSource waiter, Action release, CancellationToken ct)
    {
        try
        {
            await waiter.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Granted at the moment of cancelling: the slot is ours, so it goes back; else the grant skips this waiter.
            if (!waiter.TrySetCanceled(ct))
                release();
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

    public void OnSuccess(TimeSpan latency)
    {
        if (_adaptive is null)
            return;
        lock (_gate)
        {
            // Requests outside any lease (a listing) count too, or they could never grow a limit that was cut.
            _adaptive.OnSuccess(latency, Math.Max(_inFlight, _requests), leased: _inFlight > 0);
            GrantLocked();
        }
    }

    public void OnDrop()
    {
        Interlocked.Increment(ref _drops);
        if (_adaptive is null)
            return;
        lock (_gate)
            _adaptive.OnDrop(leased: _inFlight > 0);
    }

    // Returns how many started. A deadline never throws: each item turns its cancellation into an outcome.
    public static async Task<int> ForEachIndexAsync(int count, int limit, Func<bool> stopTaking, Func<int, Task> body)
    {
        var started = 0;
        var indexes = Enumerable.Range(0, count).TakeWhile(_ => !stopTaking()).Select(i => started = i + 1).ToAsyncEnumerable();
        await Fixed(limit).ForEachAsync(indexes, i => body(i - 1), CancellationToken.None).ConfigureAwait(false);
        return started;
    }

    /// <summary>The one fan-out: one lease per item, the next taken only when a lease is free; the first exception rethrown at the end.</summary>
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
                    var more = false;
                    try
                    {
                        more = await e.MoveNextAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        // No item (or the enumerator threw): the lease goes back.
                        if (!more)
                            Release();
                    }
                    if (!more)
                        break;
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
        // Requests of uploads already out go first: they finish work that holds a lease.
        GrantLocked(ref _requests, _waitingRequests);
        GrantLocked(ref _inFlight, _waiting);
    }

    private void GrantLocked(ref int count, Queue<TaskCompletionSource> waiting)
    {
        while (count < LimitLocked() && waiting.TryDequeue(out var next))
            if (next.TrySetResult())
                count++;
    }
}
