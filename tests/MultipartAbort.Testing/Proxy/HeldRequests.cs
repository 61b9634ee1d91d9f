namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// Holds the requests to one bucket until the test calls <see cref="Release"/>: a store call kept in flight, e.g. while
/// a host is told to stop. Requests to other buckets pass.
/// </summary>
public sealed class HeldRequests(string bucket) : ProxyBehaviour
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first request to the bucket is being held.</summary>
    public Task FirstHeld => _held.Task;

    public void Release() => _release.TrySetResult();

    public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        if (exchange.Bucket == bucket)
        {
            _held.TrySetResult();
            await _release.Task.WaitAsync(exchange.Aborted);
        }
        await next();
    }
}
