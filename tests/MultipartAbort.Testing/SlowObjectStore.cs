using System.Collections.Concurrent;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Testing;

/// <summary>
/// A <see cref="ScriptedObjectStore"/> whose every call takes <see cref="Latency"/> of a <see cref="ManualClock"/>, and
/// is cut off (cancelled) when the caller's token fired meanwhile, as an SDK call in flight at the deadline is. Counts
/// the aborts of each upload, so a test can tell that none was worked on twice.
/// </summary>
public sealed class SlowObjectStore(ManualClock clock, TimeSpan latency) : ScriptedObjectStore
{
    public TimeSpan Latency => latency;

    /// <summary>The first call for this key hangs (two minutes, the SDK's 30 s x 4 tries) unless its token fires first.</summary>
    public string? StuckKey { get; set; }

    private int _stuck;

    public ConcurrentDictionary<(string Bucket, string Key, string UploadId), int> AbortsByUpload { get; } = new();

    public ConcurrentDictionary<(string Bucket, string Key, string UploadId), int> CallsByUpload { get; } = new();

    public override async Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
    {
        // Every call goes back to the thread pool's queue, as real I/O does, so that concurrent sweeps take turns
        // instead of one running to the deadline synchronously before the other starts.
        await Task.Yield();
        Take(upload, cancellationToken);
        AbortsByUpload.AddOrUpdate((upload.Bucket, upload.Key, upload.UploadId), 1, (_, n) => n + 1);
        return await base.AbortAsync(upload, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Take(upload, cancellationToken);
        return await base.ListPartsAsync(upload, partNumberMarker, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Spend(latency, cancellationToken);
        return await base.ListUploadsAsync(listing, cancellationToken).ConfigureAwait(false);
    }

    private void Take(UploadRef upload, CancellationToken ct)
    {
        CallsByUpload.AddOrUpdate((upload.Bucket, upload.Key, upload.UploadId), 1, (_, n) => n + 1);
        var stuck = upload.Key == StuckKey && Interlocked.Exchange(ref _stuck, 1) == 0;
        Spend(stuck ? TimeSpan.FromMinutes(2) : latency, ct);
    }

    /// <summary>Lets the clock run for the call in steps of at most a second, ending early (cancelled) when the token fires.</summary>
    private void Spend(TimeSpan duration, CancellationToken ct)
    {
        var step = TimeSpan.FromSeconds(1);
        for (var spent = TimeSpan.Zero; spent < duration; spent += step)
        {
            clock.Advance(duration - spent < step ? duration - spent : step);
            ct.ThrowIfCancellationRequested();
        }
    }
}
