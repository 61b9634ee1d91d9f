using System.Diagnostics;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Core.Workflow;

/// <summary>
/// A sweep (SPEC.md "Sweep" and "Scale"): streams the upload listing page by page, sends each upload older
/// than the cut-off through the abort workflow with bounded concurrency, and when the invocation's time runs
/// low stops taking work and re-queues a continuation that resumes after the last upload it took.
/// </summary>
public sealed class SweepRunner(IObjectStore store, AbortWorkflow workflow, QueuePair queues, StructuredLogger log, TimeProvider time)
{
    /// <summary>How many non-clean results a sweep keeps for its answer; the counts cover every upload.</summary>
    public const int MaxReportedResults = 100;

    public async Task<(SweepSummary Summary, OutcomeCounts Counts, IReadOnlyList<AbortResult> Notable)> RunAsync(
        SweepRequest sweep,
        InvocationContext context,
        IProgress<SweepProgress>? progress,
        CancellationToken ct
    )
    {
        var settings = workflow.Settings;
        var counts = new OutcomeCounts();
        var notable = new List<AbortResult>();
        var stopwatch = Stopwatch.StartNew();
        long pages = 0, listed = 0, matched = 0, done = 0;

        var cutoff = time.GetUtcNow() - Max(sweep.OlderThan, settings.MinUploadAge ?? TimeSpan.Zero);
        var dryRun = sweep.DryRun || settings.DryRun;
        (string Key, string UploadId)? lastTaken = null;
        var stoppedEarly = false;

        if (settings.Access.CheckSweep(sweep.Bucket, sweep.Prefix) is { } notAllowed)
        {
            var rejected = AbortResult.Rejected(sweep.Bucket, sweep.Prefix, null, sweep.Attempt, notAllowed);
            counts.Add(rejected);
            log.Outcome(rejected);
            return (Summary(), counts, [rejected]);
        }

        async IAsyncEnumerable<ListedUpload> Matching()
        {
            var listing = new UploadListing(sweep.Bucket) { Prefix = sweep.Prefix, KeyMarker = sweep.KeyMarker, UploadIdMarker = sweep.UploadIdMarker };
            await foreach (var upload in UploadLister.ListAsync(store, listing, ct, _ => Interlocked.Increment(ref pages)).ConfigureAwait(false))
            {
                if (context.Remaining(time) is { } left && left < settings.SweepTimeReserve)
                {
                    stoppedEarly = true;
                    yield break;
                }
                Interlocked.Increment(ref listed);
                lastTaken = (upload.Key, upload.UploadId);
                if (upload.Initiated is { } at && at > cutoff)
                    continue;
                if (settings.Access.Check(sweep.Bucket, upload.Key) is not null)
                    continue;
                Interlocked.Increment(ref matched);
                yield return upload;
            }
        }

        var options = new AbortOptions { ProbeBeforeAbort = sweep.MeasureBytes, RequeueTransientFailures = true, DryRun = dryRun };
        try
        {
            await Parallel
                .ForEachAsync(
                    Matching(),
                    new ParallelOptions { MaxDegreeOfParallelism = settings.SweepConcurrency, CancellationToken = ct },
                    async (upload, token) =>
                    {
                        var request = new AbortRequest(sweep.Bucket, upload.Key, upload.UploadId) { Reason = $"sweep older than {IsoDuration.Format(sweep.OlderThan)}" };
                        var result = await workflow.RunAsync(request, options with { KnownInitiated = upload.Initiated }, token).ConfigureAwait(false);
                        counts.Add(result);
                        if (!(result.Outcome is AbortOutcome.Aborted or AbortOutcome.AlreadyGone or AbortOutcome.WouldAbort))
                            lock (notable)
                                if (notable.Count < MaxReportedResults)
                                    notable.Add(result);
                        var n = Interlocked.Increment(ref done);
                        progress?.Report(new SweepProgress(pages, listed, matched, n, counts));
                    }
                )
                .ConfigureAwait(false);
        }
        catch (StoreException ex)
        {
            // The listing itself failed: what was taken is done; the rest continues from the last upload taken.
            log.Log(LogLevel.Error, $"sweep of {sweep} stopped: {ex.Message}", ex);
            var failed = AbortResult.Rejected(sweep.Bucket, sweep.Prefix, null, sweep.Attempt, "") with { Outcome = AbortOutcome.Failed, Message = $"sweep listing failed: {ex.Message}" };
            counts.Add(failed);
            notable.Add(failed);
            stoppedEarly = true;
        }

        var continued = false;
        if (stoppedEarly)
            continued = await ContinueAsync(sweep, lastTaken, counts, notable, ct).ConfigureAwait(false);
        progress?.Report(new SweepProgress(pages, listed, matched, done, counts));
        return (Summary(continued), counts, notable);

        SweepSummary Summary(bool continued = false) =>
            new()
            {
                Bucket = sweep.Bucket,
                Prefix = sweep.Prefix,
                OlderThan = IsoDuration.Format(sweep.OlderThan),
                DryRun = dryRun,
                Pages = pages,
                Listed = listed,
                Matched = matched,
                Aborted = counts[AbortOutcome.Aborted],
                AlreadyGone = counts[AbortOutcome.AlreadyGone],
                WouldAbort = counts[AbortOutcome.WouldAbort],
                Requeued = counts[AbortOutcome.Requeued],
                DeadLettered = counts[AbortOutcome.DeadLettered],
                Failed = counts[AbortOutcome.Failed],
                BytesReclaimed = counts.BytesReclaimed,
                Continued = continued,
                NextKeyMarker = stoppedEarly ? lastTaken?.Key ?? sweep.KeyMarker : null,
                NextUploadIdMarker = stoppedEarly ? lastTaken?.UploadId ?? sweep.UploadIdMarker : null,
                ElapsedSeconds = stopwatch.Elapsed.TotalSeconds,
            };
    }

    private async Task<bool> ContinueAsync(SweepRequest sweep, (string Key, string UploadId)? lastTaken, OutcomeCounts counts, List<AbortResult> notable, CancellationToken ct)
    {
        var next = sweep with
        {
            KeyMarker = lastTaken?.Key ?? sweep.KeyMarker,
            UploadIdMarker = lastTaken?.UploadId ?? sweep.UploadIdMarker,
            Attempt = sweep.Attempt + 1,
        };
        string? problem = null;
        if (queues.Retry is null)
            problem = "RETRY_QUEUE_URL is not set";
        else
        {
            try
            {
                await queues.Retry.SendAsync(WireJson.Sweep(next), TimeSpan.Zero, ct).ConfigureAwait(false);
                log.Log(LogLevel.Information, $"sweep of {sweep} continues after {next.KeyMarker} / {next.UploadIdMarker}");
                return true;
            }
            catch (StoreException ex)
            {
                problem = ex.Message;
            }
        }
        var failed = new AbortResult(sweep.Bucket, next.KeyMarker ?? "", next.UploadIdMarker ?? "", AbortOutcome.Failed, sweep.Attempt, 0, 0,
            $"sweep stopped early and could not re-queue its continuation ({problem}); run it again from keyMarker/uploadIdMarker");
        counts.Add(failed);
        notable.Add(failed);
        log.Outcome(failed);
        return false;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
