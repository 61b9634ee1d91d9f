namespace MultipartAbort.Core.Concurrency;

/// <summary>
/// The store as the workflow sees it: latencies and load refusals feed the limiter; a refused request is re-sent after
/// a growing pause, since the limiter has just cut the load.
/// </summary>
internal sealed class LimitedObjectStore(IObjectStore inner, StoreCallLimiter limiter, TimeProvider time) : IObjectStore
{
    public const int ThrottleRetries = 6;

    public TimeSpan ThrottlePause { get; init; } = TimeSpan.FromMilliseconds(50);

    public Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken) =>
        SendAsync(static (s, a, ct) => s.AbortAsync(a.upload, ct), (upload, 0), cancellationToken);

    public Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken) =>
        SendAsync(static (s, a, ct) => s.ListPartsAsync(a.upload, a.partNumberMarker, ct), (upload, partNumberMarker), cancellationToken);

    public Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken) =>
        SendAsync(static (s, l, ct) => s.ListUploadsAsync(l, ct), listing, cancellationToken);

    private async Task<T> SendAsync<T, TArgs>(Func<IObjectStore, TArgs, CancellationToken, Task<T>> call, TArgs args, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            await limiter.AcquireRequestAsync(ct).ConfigureAwait(false);
            var started = time.GetTimestamp();
            try
            {
                var result = await call(inner, args, ct).ConfigureAwait(false);
                limiter.OnSuccess(time.GetElapsedTime(started));
                return result;
            }
            catch (StoreException ex) when (ex.IsThrottling)
            {
                limiter.OnDrop();
                if (attempt >= ThrottleRetries)
                    throw;
            }
            finally
            {
                limiter.ReleaseRequest();
            }
            var pause = ThrottlePause * Math.Pow(2, attempt);
            if (pause > TimeSpan.Zero)
                await Task.Delay(pause, time, ct).ConfigureAwait(false);
        }
    }
}
