namespace MultipartAbort.Core.Workflow;

/// <summary>
/// Runs work items with bounded concurrency until the source says there is no more. Unlike
/// <c>Parallel.ForAsync</c> with a cancellation token, it never ends in an exception because a deadline fired: the
/// source decides when to stop taking work (the budget's soft deadline) and each item turns its own cancellation
/// into an outcome, so every result already produced reaches the answer.
/// </summary>
public static class WorkerPool
{
    /// <param name="concurrency">Items in flight at once.</param>
    /// <param name="take">The next item, or (false, default) when there is no more; called by one worker at a time.</param>
    /// <param name="run">Runs one item; must not throw for an expected failure (it becomes the item's outcome).</param>
    public static async Task RunAsync<T>(int concurrency, Func<ValueTask<(bool Taken, T Item)>> take, Func<T, Task> run)
    {
        using var gate = new SemaphoreSlim(1, 1);
        var exhausted = false;

        async Task Worker()
        {
            while (true)
            {
                T item;
                await gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (exhausted)
                        return;
                    var (taken, next) = await take().ConfigureAwait(false);
                    if (!taken)
                    {
                        exhausted = true;
                        return;
                    }
                    item = next;
                }
                finally
                {
                    gate.Release();
                }
                await run(item).ConfigureAwait(false);
            }
        }

        var workers = new Task[Math.Max(1, concurrency)];
        for (var i = 0; i < workers.Length; i++)
            workers[i] = Task.Run(Worker);
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    /// <summary>Runs items 0..count-1 until <paramref name="stopTaking"/> says stop; returns how many were started (a prefix).</summary>
    public static async Task<int> RunIndexedAsync(int count, int concurrency, Func<bool> stopTaking, Func<int, Task> run)
    {
        var next = 0;
        await RunAsync(
                Math.Min(concurrency, Math.Max(1, count)),
                () => ValueTask.FromResult(next < count && !stopTaking() ? (true, next++) : (false, 0)),
                run
            )
            .ConfigureAwait(false);
        return next;
    }
}
