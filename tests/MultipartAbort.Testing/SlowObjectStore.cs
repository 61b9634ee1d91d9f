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

    public ConcurrentDictionary<(string Bucket, string Key, string UploadId), int> AbortsByUpload { get; } = new();

    public ConcurrentDictionary<(string Bucket, string Key, string UploadId), int> CallsByUpload { get; } = new();

    public override async Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
    {
        Take(upload, cancellationToken);
        AbortsByUpload.AddOrUpdate((upload.Bucket, upload.Key, upload.UploadId), 1, (_, n) => n + 1);
        return await base.AbortAsync(upload, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken)
    {
        Take(upload, cancellationToken);
        return await base.ListPartsAsync(upload, partNumberMarker, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken)
    {
        await Task.Yield();
        clock.Advance(latency);
        cancellationToken.ThrowIfCancellationRequested();
        return await base.ListUploadsAsync(listing, cancellationToken).ConfigureAwait(false);
    }

    private void Take(UploadRef upload, CancellationToken ct)
    {
        CallsByUpload.AddOrUpdate((upload.Bucket, upload.Key, upload.UploadId), 1, (_, n) => n + 1);
        clock.Advance(latency);
        ct.ThrowIfCancellationRequested();
    }
}
