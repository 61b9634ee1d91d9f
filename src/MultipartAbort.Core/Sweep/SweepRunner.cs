using System.Diagnostics;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Core.Sweep;

/// <summary>
/// A sweep (the README, "Sweep" and "Scale"): streams the upload listing page by page, sends each upload older
/// than the cut-off through the abort workflow with as many in flight as the <see cref="ConcurrencyLimiter"/> allows, and when the invocation's time runs
/// low stops taking work, lets what is in flight finish, and re-queues a continuation that resumes after the
/// last upload it listed.
/// </summary>
public sealed class SweepRunner(IObjectStore store, AbortWorkflow workflow, QueuePair queues, StructuredLogger log, TimeProvider time, ConcurrencyLimiter limiter)
{
    /// <summary>How many non-clean results a sweep keeps for its answer; the counts cover every upload.</summary>
    public const int MaxReportedResults = 100;

    public const string StopDeadline = "deadline";
    public const string StopInterrupted = "interrupted";
    public const string StopListingFailed = "listing-failed";

    /// <summary>
    /// Runs one sweep. <paramref name="stop"/> asks it to stop taking new uploads (an operator's Ctrl+C): what
    /// is in flight finishes and the summary says where to resume; <paramref name="ct"/> cancels even that.
    /// </summary>
    public async Task<SweepOutcome> RunAsync(
        SweepRequest sweep,
        InvocationContext context,
        IProgress<SweepProgress>? progress,
        CancellationToken ct,
        CancellationToken stop = default
    )
    {
        using var budget = new InvocationBudget(context, time, workflow.Settings.DeadlineReserve, ct);
        return await RunAsync(sweep, budget, progress, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one sweep within an invocation's budget (shared with other sweeps of the same invocation). Never throws
    /// because the deadline came: it stops listing at the soft deadline, in-flight aborts end (re-queued when cut
    /// off), and the summary and continuation are always produced.
    /// </summary>
    public async Task<SweepOutcome> RunAsync(
        SweepRequest sweep,
        InvocationBudget budget,
        IProgress<SweepProgress>? progress,
        CancellationToken stop = default
    )
    {
        // The process's one limiter: several sweeps of one invocation (SWEEP_TARGETS, shards) take their leases from it
        // in turn (its waiters are served first come, first served), and a store's SlowDown lowers what all of them send.
        var concurrency = limiter;
        var settings = workflow.Settings;
        var ct = budget.Work;
        var counts = new OutcomeCounts();
        var notable = new List<AbortResult>();
        var stopwatch = Stopwatch.StartNew();
        long pages = 0, listed = 0, matched = 0, done = 0, undated = 0;

        var minAge = settings.MinUploadAge ?? TimeSpan.Zero;
        var cutoff = time.GetUtcNow() - (sweep.OlderThan > minAge ? sweep.OlderThan : minAge);
        var dryRun = sweep.DryRun || settings.DryRun;
        (string Key, string UploadId)? lastListed = null;
        var start = new UploadListing(sweep.Bucket) { Prefix = sweep.Prefix, KeyMarker = sweep.KeyMarker, UploadIdMarker = sweep.UploadIdMarker };
        var checkpoint = new ListingCheckpoint(start);
        string? stopReason = null;
        StoreException? listingError = null;

        if (settings.Access.CheckSweep(sweep.Bucket, sweep.Prefix) is { } notAllowed)
        {
            var rejected = AbortResult.Rejected(sweep.Bucket, sweep.Prefix, null, sweep.Attempt, notAllowed);
            counts.Add(rejected);
            log.Outcome(rejected);
            return new(Summary(), counts, [rejected]);
        }
        if (sweep.FanOut is { } shards)
            return await new SweepFanOut(queues, log).SendAsync(sweep, shards, budget.Settle).ConfigureAwait(false);

        // Runs under the worker pool's gate, one step at a time: plain fields are safe here. A listing failure or
        // the deadline ends the stream instead of faulting the pool, which would lose the aborts in flight.
        async IAsyncEnumerable<ListedUpload> Matching()
        {
            await using var uploads = UploadLister.ListAsync(store, start, ct, _ => Interlocked.Increment(ref pages), checkpoint).GetAsyncEnumerator(ct);
            while (true)
            {
                if (stop.IsCancellationRequested)
                {
                    stopReason = StopInterrupted;
                    yield break;
                }
                if (budget.StopTaking)
                {
                    stopReason = StopDeadline;
                    yield break;
                }
                bool more;
                try
                {
                    more = await uploads.MoveNextAsync().ConfigureAwait(false);
                }
                catch (StoreException ex)
                {
                    listingError = ex;
                    stopReason = StopListingFailed;
                    yield break;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    stopReason = budget.Settle.IsCancellationRequested && budget.Remaining is null ? StopInterrupted : StopDeadline;
                    yield break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    listingError = new StoreException("ListMultipartUploads", $"unexpected {ex.GetType().Name}: {ex.Message}", false, null, ex);
                    stopReason = StopListingFailed;
                    yield break;
                }
                if (!more)
                    yield break;

                var upload = uploads.Current;
                Interlocked.Increment(ref listed);
                lastListed = (upload.Key, upload.UploadId);
                // Safe on a live bucket: an upload whose age is unknown is never taken for a stale one.
                if (upload.Initiated is not { } at)
                {
                    if (Interlocked.Increment(ref undated) == 1)
                        log.Log(LogLevel.Warning, $"sweep of {sweep}: the server gives no Initiated time for some uploads (first: {upload.Key}); they are left alone");
                    continue;
                }
                if (at > cutoff || settings.Access.Check(sweep.Bucket, upload.Key) is not null)
                    continue;
                if (sweep.Shard is { } shard && !shard.Contains(upload.Key, upload.UploadId))
                    continue;
                Interlocked.Increment(ref matched);
                yield return upload;
            }
        }

        var options = new AbortOptions { ProbeBeforeAbort = sweep.MeasureBytes, RequeueTransientFailures = true, DryRun = dryRun };
        var reason = $"sweep older than {IsoDuration.Format(sweep.OlderThan)}";
        // One lease per upload, taken before the next upload is listed: the listing, the deadline and Ctrl+C are only
        // looked at when there is room for one more. Not cancelled by the deadline: Matching() ends instead, so no
        // result in flight is lost.
        await concurrency
            .ForEachAsync(
                Matching(),
                async upload =>
                {
                    var request = new AbortRequest(sweep.Bucket, upload.Key, upload.UploadId) { Reason = reason };
                    var result = await workflow.RunAsync(request, options with { KnownInitiated = upload.Initiated }, budget).ConfigureAwait(false);
                    counts.Add(result);
                    if (result.Outcome is not (AbortOutcome.Aborted or AbortOutcome.AlreadyGone or AbortOutcome.WouldAbort))
                        Keep(result);
                    var n = Interlocked.Increment(ref done);
                    progress?.Report(Snapshot(n, final: false));
                },
                CancellationToken.None
            )
            .ConfigureAwait(false);

        var continued = false;
        switch (stopReason)
        {
            case StopListingFailed:
                log.Log(LogLevel.Error, $"sweep of {sweep} stopped: {listingError!.Message}", listingError);
                if (listingError.IsTransient && (Interlocked.Read(ref listed) > 0 || sweep.Attempt + 1 < settings.MaxAttempts))
                    continued = await ContinueAsync(settings.RetryDelayFor(sweep.Attempt), $"listing failed: {listingError.Message}").ConfigureAwait(false);
                else
                    // A refusal before anything was listed (credentials, permissions, a missing bucket) says what to
                    // fix; "run it again" would only meet it again.
                    Fail(listingError.IsTransient || lastListed is not null ? $"sweep listing failed: {listingError.Message}; {ResumeHint()}" : $"sweep listing failed: {listingError.Message}");
                break;
            case StopDeadline when Interlocked.Read(ref listed) == 0:
                // Not one upload listed before the deadline (a slow store, or an invocation that began late): passed
                // on like a failed listing, with a growing delay, so a continuation is not lost to one slow call; a
                // function that can never list in time fails after MAX_ATTEMPTS instead of going round for ever.
                if (sweep.Attempt + 1 < settings.MaxAttempts)
                    continued = await ContinueAsync(settings.RetryDelayFor(sweep.Attempt), "the invocation's time ran out before one upload was listed").ConfigureAwait(false);
                else
                    Fail($"the invocation's time ran out before one upload was listed, {sweep.Attempt + 1} times; give the function a longer timeout than {IsoDuration.Format(settings.DeadlineReserve)} plus one listing call");
                break;
            case StopDeadline:
                continued = await ContinueAsync(TimeSpan.Zero, "the invocation's time ran low").ConfigureAwait(false);
                break;
            case StopInterrupted:
                log.Log(LogLevel.Warning, $"sweep of {sweep} interrupted; {ResumeHint()}");
                break;
        }
        progress?.Report(Snapshot(Interlocked.Read(ref done), final: true));
        return new(Summary(continued), counts, notable);

        SweepProgress Snapshot(long finished, bool final) =>
            new(Interlocked.Read(ref pages), Interlocked.Read(ref listed), Interlocked.Read(ref matched), finished, counts)
            {
                Elapsed = stopwatch.Elapsed,
                Final = final,
                Concurrency = final ? concurrency.Settled : concurrency.Limit,
            };

        void Keep(AbortResult result)
        {
            lock (notable)
                if (notable.Count < MaxReportedResults)
                    notable.Add(result);
        }

        void Fail(string message)
        {
            var failed = new AbortResult(sweep.Bucket, sweep.Prefix ?? "", "", AbortOutcome.Failed, sweep.Attempt, 0, 0, message);
            counts.Add(failed);
            Keep(failed);
            log.Outcome(failed);
        }

        string ResumeHint()
        {
            if (lastListed is null)
                return "nothing was listed; run it again";
            var (key, id) = Resume();
            return id is null ? $"resume from keyMarker '{key}'" : $"resume from keyMarker '{key}', uploadIdMarker '{id}'";
        }

        (string? KeyMarker, string? UploadIdMarker) Resume() => checkpoint.ResumeAfter(lastListed);

        async Task<bool> ContinueAsync(TimeSpan delay, string why)
        {
            if (await new SweepContinuation(queues, log).SendAsync(sweep, Resume(), delay, why, budget.Settle).ConfigureAwait(false) is not { } problem)
                return true;
            Fail($"sweep stopped early ({why}) and could not re-queue its continuation ({problem}); {ResumeHint()}");
            return false;
        }

        SweepSummary Summary(bool continued = false)
        {
            var (nextKey, nextId) = stopReason is null ? default : Resume();
            return new()
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
                StopReason = stopReason,
                NextKeyMarker = nextKey,
                NextUploadIdMarker = nextId,
                ElapsedSeconds = stopwatch.Elapsed.TotalSeconds,
                Shard = sweep.Shard?.ToString(),
                Concurrency = concurrency.Settled,
                AdaptiveConcurrency = concurrency.IsAdaptive,
            };
        }
    }
}
