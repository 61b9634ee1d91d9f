namespace MultipartAbort.Core.Fleet;

/// <summary>The one way every feature covers buckets: select, a few at once, a guarded listing each, one lease per upload.</summary>
public sealed class FleetScan
{
    private readonly PrefixListing _lister;
    private readonly BucketSelector _selector;
    private readonly StoreCallLimiter _limiter;

    // Built by FunctionServices only: hosts select and print through it, the listing stays Core's.
    internal FleetScan(PrefixListing lister, BucketSelector selector, StoreCallLimiter limiter) => (_lister, _selector, _limiter) = (lister, selector, limiter);

    // A few, so a slow bucket does not hold up the rest and memory stays a few pages.
    internal const int BucketsAtOnce = 4;

    internal StoreCallLimiter Limiter => _limiter;

    public Task<BucketSelection> SelectAsync(IReadOnlyList<string> names, bool all, CancellationToken ct) => _selector.SelectAsync(names, all, ct);

    /// <summary><c>rejected</c> when a guard refuses the bucket, <c>failed</c> when the store does.</summary>
    internal static AbortResult Unscannable(RefusedBucket refused, string? prefix, string asker) =>
        refused.Listed
            ? new AbortResult(refused.Bucket, prefix ?? "", "", AbortOutcome.Failed, 0, 0, 0, $"{asker} {refused.Bucket}: {refused.Error}")
            : AbortResult.Rejected(refused.Bucket, prefix, null, 0, refused.Error);

    internal static Task<int> ForEachBucketAsync(int count, Func<bool> stopTaking, Func<int, Task> scan, int atOnce = BucketsAtOnce) =>
        StoreCallLimiter.ForEachIndexAsync(count, atOnce, stopTaking, scan);

    internal BucketListing List(UploadListing start, Invocation invocation, Action? onPage = null) => new(_lister, start, invocation, onPage);

    /// <summary>The list use case: bucket after bucket in the store's order; a lone bucket's failure ends the run, a fleet's is named.</summary>
    public async Task<UploadList> PrintAsync(IReadOnlyList<string> names, bool all, string? prefix, TimeSpan? olderThan, DateTimeOffset now, Action<string, ListedUpload> print, Action flush, Invocation invocation)
    {
        var fleet = BucketSelector.IsFleet(names, all);
        var selection = fleet ? await SelectAsync(names, all, invocation.Work).ConfigureAwait(false) : new BucketSelection(names, []);
        long listed = 0, shown = 0;
        var filteredLocally = false;
        var failed = selection.Refused.Select(r => (r.Bucket, r.Error)).ToList();
        foreach (var bucket in selection.Buckets)
        {
            // Not under leases: the visit is the printing, in order.
            var listing = List(new UploadListing(bucket) { Prefix = prefix }, invocation, flush);
            await foreach (var upload in listing.Uploads().ConfigureAwait(false))
            {
                listed++;
                if (olderThan is { } age && !(upload.Initiated is { } at && now - at > age))
                    continue;
                shown++;
                print(bucket, upload);
            }
            filteredLocally |= listing.PrefixFilteredLocally;
            if (listing.StopReason == BucketListing.StopInterrupted)
                return new(listed, shown, failed, filteredLocally) { Interrupted = true };
            if (listing.Error is { } error)
            {
                flush();
                if (!fleet)
                    return new(listed, shown, failed, filteredLocally) { Error = error.Message };
                failed.Add((bucket, error.Message));
            }
        }
        return new(listed, shown, failed, filteredLocally);
    }

    /// <summary>The doctor's look ("count"): uploads up to <paramref name="limit"/>, the first one, or why the store refused.</summary>
    public async Task<(int Count, ListedUpload? First, StoreException? Error)> CountAsync(string bucket, int limit, Invocation invocation)
    {
        var count = 0;
        ListedUpload? first = null;
        var listing = List(new UploadListing(bucket), invocation);
        await foreach (var upload in listing.Uploads().ConfigureAwait(false))
        {
            first ??= upload;
            if (++count >= limit)
                break;
        }
        return (count, first, listing.Error);
    }

    // The deadline ends the listing, not the visits, so none is lost.
    internal Task VisitAsync(BucketListing listing, Func<ListedUpload, bool> take, Func<ListedUpload, Task> visit) =>
        _limiter.ForEachAsync(listing.Uploads().Where(take), visit, CancellationToken.None);
}

/// <summary>What <c>mpa list</c> listed: the counts, the buckets that failed, and why it ended early.</summary>
public sealed record UploadList(long Listed, long Shown, IReadOnlyList<(string Bucket, string Error)> Failed, bool PrefixFilteredLocally)
{
    public bool Interrupted { get; init; }

    // One bucket named alone: its listing error ends the run.
    public string? Error { get; init; }
}
