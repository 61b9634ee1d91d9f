using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Core.Fleet;

/// <summary>
/// The one way every feature covers buckets: select (<see cref="BucketSelector"/>), a few at once, a guarded listing each,
/// one lease per upload visited.
/// </summary>
public sealed class FleetScan(PrefixListing lister, BucketSelector selector, StoreCallLimiter limiter)
{
    /// <summary>Buckets at once: a few, so a slow one does not hold up the rest and memory stays a few pages.</summary>
    public const int BucketsAtOnce = 4;

    public StoreCallLimiter Limiter => limiter;

    public Task<BucketSelection> SelectAsync(IReadOnlyList<string> names, bool all, CancellationToken ct) => selector.SelectAsync(names, all, ct);

    /// <summary>An unscannable bucket: <c>rejected</c> when a guard refuses it, <c>failed</c> when the store does, naming who asked.</summary>
    internal static AbortResult Unscannable(RefusedBucket refused, string? prefix, string asker) =>
        refused.Listed
            ? new AbortResult(refused.Bucket, prefix ?? "", "", AbortOutcome.Failed, 0, 0, 0, $"{asker} {refused.Bucket}: {refused.Error}")
            : AbortResult.Rejected(refused.Bucket, prefix, null, 0, refused.Error);

    /// <summary>Scans buckets, <paramref name="atOnce"/> at a time, until <paramref name="stopTaking"/>; returns how many started.</summary>
    public static Task<int> ForEachBucketAsync(int count, Func<bool> stopTaking, Func<int, Task> scan, int atOnce = BucketsAtOnce) =>
        StoreCallLimiter.ForEachIndexAsync(count, atOnce, stopTaking, scan);

    /// <summary>One bucket's guarded listing from <paramref name="start"/> (a prefix, resume markers).</summary>
    public BucketListing List(UploadListing start, Invocation invocation, Action? onPage = null) => new(lister, start, invocation, onPage);

    /// <summary>
    /// Visits the uploads <paramref name="take"/> keeps, one lease each. The deadline ends the listing, not the visits, so none is lost.
    /// </summary>
    internal Task VisitAsync(BucketListing listing, Func<ListedUpload, bool> take, Func<ListedUpload, Task> visit) =>
        limiter.ForEachAsync(listing.Uploads().Where(take), visit, CancellationToken.None);
}
