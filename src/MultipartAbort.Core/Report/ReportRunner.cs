using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Core.Report;

/// <summary>
/// The report (docs/cli.md, <c>mpa report</c>): lists every incomplete upload of the selected buckets and each one's
/// parts (all pages), and adds them up as it goes, so memory stays flat however many uploads there are (only the top
/// N largest and oldest are kept by name). List calls only: it never aborts. ListParts calls run under the same
/// limiter as sweeps.
/// </summary>
public sealed class ReportRunner(IObjectStore store, BucketSelector buckets, ConcurrencyLimiter limiter, Settings settings, StructuredLogger log, TimeProvider time)
{

    public async Task<IncompleteUploadReport> RunAsync(ReportRequest request, InvocationBudget budget, IProgress<ReportProgress>? progress = null)
    {
        var now = time.GetUtcNow();
        var minIdle = request.MinIdle ?? settings.MinIdle;
        var selected = await SelectAsync(request, budget.Work).ConfigureAwait(false);
        var readable = selected.Where(b => b.Error is null).ToArray();
        var counted = 0L;
        var started = await ConcurrencyLimiter
            .ForEachIndexAsync(
                readable.Length,
                BucketSelector.BucketsAtOnce,
                () => budget.StopTaking,
                i => ReadAsync(readable[i], request.Depth, minIdle, now, budget, () => progress?.Report(new ReportProgress(readable[i].Bucket, Interlocked.Increment(ref counted))))
            )
            .ConfigureAwait(false);
        foreach (var bucket in readable.Skip(started))
            bucket.Error = "not read: the invocation's time ran out first";
        return new IncompleteUploadReport(now, minIdle, request.Depth, request.PricePerGbMonth, request.PriceName, selected);
    }

    /// <summary>The buckets to read, in name order, and those that cannot be (named outside ALLOWED_BUCKETS, a failed ListBuckets) with their error.</summary>
    private async Task<List<BucketReport>> SelectAsync(ReportRequest request, CancellationToken ct)
    {
        var top = Math.Max(0, request.Top);
        var selection = await buckets.SelectAsync(request.Buckets, request.AllBuckets, ct).ConfigureAwait(false);
        return [.. selection.Buckets.Select(b => new BucketReport(b, top)).Concat(selection.Refused.Select(r => new BucketReport(r.Bucket, top) { Error = r.Error })).OrderBy(b => b.Bucket, StringComparer.Ordinal)];
    }

    private async Task ReadAsync(BucketReport bucket, int depth, TimeSpan minIdle, DateTimeOffset now, InvocationBudget budget, Action counted)
    {
        var ct = budget.Work;
        string? stopped = null;
        async IAsyncEnumerable<ListedUpload> Listed()
        {
            await using var uploads = UploadLister.ListAsync(store, new UploadListing(bucket.Bucket), ct).GetAsyncEnumerator(ct);
            while (true)
            {
                if (budget.StopTaking)
                {
                    stopped = "the invocation's time ran out; the figures cover what was listed";
                    yield break;
                }
                bool more;
                try
                {
                    more = await uploads.MoveNextAsync().ConfigureAwait(false);
                }
                catch (StoreException ex)
                {
                    stopped = ex.Message;
                    yield break;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    stopped = "the invocation's time ran out; the figures cover what was listed";
                    yield break;
                }
                if (!more)
                    yield break;
                yield return uploads.Current;
            }
        }

        await limiter
            .ForEachAsync(
                Listed(),
                async upload =>
                {
                    PartsCensus census;
                    try
                    {
                        census = await PartsCensus.TakeAsync(store, new UploadRef(bucket.Bucket, upload.Key, upload.UploadId), ct).ConfigureAwait(false);
                    }
                    catch (StoreException ex)
                    {
                        bucket.AddUnreadable(ex.Message);
                        return;
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        stopped ??= "the invocation's time ran out; the figures cover what was listed";
                        return;
                    }
                    if (!census.Exists)
                    {
                        bucket.AddVanished();
                        return;
                    }
                    var active = PartsCensus.IsActive(census.NewestPart ?? upload.Initiated, now, minIdle);
                    bucket.Add(
                        new ReportedUpload(upload.Key, upload.UploadId, upload.Initiated, census.NewestPart, census.Parts, census.Bytes, active),
                        depth > 0 ? BucketReport.PrefixOf(upload.Key, depth) : null,
                        AgeBands.Of(upload.Initiated, now)
                    );
                    counted();
                },
                CancellationToken.None
            )
            .ConfigureAwait(false);
        if (stopped is not null)
        {
            bucket.Error = stopped;
            // Debug only: the report names the error, and whoever runs it says so once (mpa on stderr, a host in its summary line).
            log.Log(LogLevel.Debug, $"report of s3://{bucket.Bucket}/: {stopped}");
        }
        bucket.Complete = stopped is null && bucket.Unreadable == 0;
    }
}

/// <summary>How far a report is: the bucket being read and the uploads counted so far in the whole report.</summary>
public readonly record struct ReportProgress(string Bucket, long Uploads);
