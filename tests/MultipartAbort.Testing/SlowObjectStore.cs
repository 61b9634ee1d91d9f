using System.Collections.Concurrent;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Testing;

/// <summary>
/// A <see cref="ScriptedObjectStore"/> whose every call takes <see cref="Latency"/> of a <see cref="ManualClock"/> (it
/// waits on a timer of the clock, which a <see cref="ClockDriver"/> moves while <see cref="Waiting"/>), and is cut off
/// (cancelled) when the caller's token fires meanwhile, as an SDK call in flight at the deadline is. Counts the aborts
/// of each upload, so a test can tell that none was worked on twice.
/// </summary>
public sealed class SlowObjectStore(ManualClock clock, TimeSpan latency) : ScriptedObjectStore
{
    public TimeSpan Latency => latency;

    /// <summary>The first call for this key hangs (two minutes, the SDK's 30 s x 4 tries) unless its token fires first.</summary>
    public string? StuckKey { get; set; }

    /// <summary>The same for several keys: the first call for each of them hangs.</summary>
    public IReadOnlySet<string> StuckKeys { get; set; } = new HashSet<string>();

    private readonly ConcurrentDictionary<string, byte> _stuck = new();
    private int _waiting;

    /// <summary>True while some call waits for the clock.</summary>
    public bool Waiting => Volatile.Read(ref _waiting) > 0;

    public ConcurrentDictionary<(string Bucket, string Key, string UploadId), int> AbortsByUpload { get; } = new();

    public ConcurrentDictionary<(string Bucket, string Key, string UploadId), int> CallsByUpload { get; } = new();

    public override async Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
    {
        await TakeAsync(upload, cancellationToken).ConfigureAwait(false);
        AbortsByUpload.AddOrUpdate((upload.Bucket, upload.Key, upload.UploadId), 1, (_, n) => n + 1);
        return await base.AbortAsync(upload, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken)
    {
        await TakeAsync(upload, cancellationToken).ConfigureAwait(false);
        return await base.ListPartsAsync(upload, partNumberMarker, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
    {
        await SpendAsync(latency, cancellationToken).ConfigureAwait(false);
        return await base.ListUploadsAsync(listing, cancellationToken).ConfigureAwait(false);
    }

    private Task TakeAsync(UploadRef upload, CancellationToken ct)
    {
        CallsByUpload.AddOrUpdate((upload.Bucket, upload.Key, upload.UploadId), 1, (_, n) => n + 1);
        var stuck = (upload.Key == StuckKey || StuckKeys.Contains(upload.Key)) && _stuck.TryAdd(upload.Key, 0);
        return SpendAsync(stuck ? TimeSpan.FromMinutes(2) : latency, ct);
    }

    /// <summary>
    /// Waits for the clock to pass the call's end, or for the token. The call stops counting as waiting the instant its
    /// timer fires or its token is cancelled (not when its continuation gets a thread), so a driver never moves the
    /// clock on its account once it is over. The continuation always goes back to the thread pool, as real I/O's does.
    /// </summary>
    private async Task SpendAsync(TimeSpan duration, CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        var delay = Task.Delay(duration, clock, ct);
        _ = delay.ContinueWith(static (_, store) => Interlocked.Decrement(ref ((SlowObjectStore)store!)._waiting), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await delay.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
    }
}
