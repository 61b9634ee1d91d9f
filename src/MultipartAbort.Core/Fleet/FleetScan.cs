using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Core.Fleet;

/// <summary>The one way every feature covers buckets: select, a few at once, a guarded listing each, one lease per upload.</summary>
public sealed class FleetScan(PrefixListing lister, BucketSelector selector, StoreCallLimiter limiter)
{
    // A few, so a slow bucket does not hold up the rest and memory stays a few pages.
    public const int BucketsAtOnce = 4;

    public StoreCallLimiter Limiter => limiter;

    public Task<BucketSelection> SelectAsync(IReadOnlyList<string> names, bool all, CancellationToken ct) => selector.SelectAsync(names, all, ct);

    /// <summary><c>rejected</c> when a guard refuses the bucket, <c>failed</c> when the store does.</summary>
    internal static AbortResult Unscannable(RefusedBucket refused, string? prefix, string asker) =>
        refused.Listed
            ? new AbortResult(refused.Bucket, prefix ?? "", "", AbortOutcome.Failed, 0, 0, 0, $"{asker} {refused.Bucket}: {refused.Error}")
            : AbortResult.Rejected(refused.Bucket, prefix, null, 0, refused.Error);

    public static Task<int> ForEachBucketAsync(int count, Func<bool> stopTaking, Func<int, Task> scan, int atOnce = BucketsAtOnce) =>
        StoreCallLimiter.ForEachIndexAsync(count, atOnce, stopTaking, scan);

    public BucketListing List(UploadListing start, Invocation invocation, Action? onPage = null) => new(lister, start, invocation, onPage);

    // The deadline ends the listing, not the visits, so none is lost.
    internal Task VisitAsync(BucketListing listing, Func<ListedUpload, bool> take, Func<ListedUpload, Task> visit) =>
        limiter.ForEachAsync(listing.Uploads().Where(take), visit, CancellationToken.None);
}
