using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Fleet;

/// <summary>
/// The one way every feature covers buckets (sweep, report, <c>mpa list</c>, shards, the tick): the buckets selected
/// (<see cref="BucketSelector"/>), a few at once (<see cref="ForEachBucketAsync"/>), each one's guarded listing
/// (<see cref="BucketListing"/>), and a visitor per upload under a lease from the one limiter (<see cref="VisitAsync"/>).
/// </summary>
public sealed class FleetScan(IObjectStore store, BucketSelector selector, ConcurrencyLimiter limiter)
{
    /// <summary>
    /// Buckets a run works on at once, their store calls under the one limit: a few, so a slow bucket does not hold up
    /// the rest, while memory stays that of a few listing pages however many buckets there are.
    /// </summary>
    public const int BucketsAtOnce = 4;

    public ConcurrencyLimiter Limiter => limiter;

    public Task<BucketSelection> SelectAsync(IReadOnlyList<string> names, bool all, CancellationToken ct) => selector.SelectAsync(names, all, ct);

    /// <summary>
    /// The one rule for a bucket that cannot be scanned, whichever feature asked: <c>rejected</c> when a guard refuses it
    /// (outside ALLOWED_BUCKETS), <c>failed</c> when the store does (ListBuckets failed or was cut off), naming who asked.
    /// </summary>
    public static AbortResult Unscannable(RefusedBucket refused, string? prefix, string asker) =>
        refused.Listed
            ? new AbortResult(refused.Bucket, prefix ?? "", "", AbortOutcome.Failed, 0, 0, 0, $"{asker} {refused.Bucket}: {refused.Error}")
            : AbortResult.Rejected(refused.Bucket, prefix, null, 0, refused.Error);

    /// <summary>
    /// Scans buckets 0..count-1, <paramref name="atOnce"/> at a time, until <paramref name="stopTaking"/>; returns how many
    /// were started (a prefix), so the caller can pass the rest on or name them.
    /// </summary>
    public static Task<int> ForEachBucketAsync(int count, Func<bool> stopTaking, Func<int, Task> scan, int atOnce = BucketsAtOnce) =>
        ConcurrencyLimiter.ForEachIndexAsync(count, atOnce, stopTaking, scan);

    /// <summary>One bucket's guarded listing from <paramref name="start"/> (a prefix, resume markers).</summary>
    public BucketListing List(UploadListing start, InvocationBudget budget, CancellationToken stop = default, Action? onPage = null) => new(store, start, budget, stop, onPage);

    /// <summary>
    /// Visits the uploads <paramref name="take"/> keeps, one lease each, the next one listed only when a lease is free;
    /// returns when every visit has ended. Not cancelled by the deadline: the listing ends instead, so no visit is lost.
    /// </summary>
    public Task VisitAsync(BucketListing listing, Func<ListedUpload, bool> take, Func<ListedUpload, Task> visit) =>
        limiter.ForEachAsync(listing.Uploads().Where(take), visit, CancellationToken.None);
}
