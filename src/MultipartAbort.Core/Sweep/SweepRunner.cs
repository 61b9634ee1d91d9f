using System.Diagnostics;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Sweep;

/// <summary>
/// A sweep (docs/cli.md, `mpa sweep`): streams the upload listing page by page, sends each upload older than the cut-off through
/// the abort workflow with as many in flight as the <see cref="ConcurrencyLimiter"/> allows, and when the invocation's
/// time runs low stops taking work, lets what is in flight finish, and re-queues a continuation that resumes after the
/// last upload it listed.
/// </summary>
public sealed class SweepRunner(IObjectStore store, AbortWorkflow workflow, QueuePair queues, StructuredLogger log, TimeProvider time, ConcurrencyLimiter limiter)
{
    /// <summary>How many non-clean results a sweep keeps for its answer; the counts cover every upload.</summary>
    public const int MaxReportedResults = 100;

    public const string StopDeadline = "deadline";
    public const string StopInterrupted = "interrupted";
    public const string StopListingFailed = "listing-failed";

    // What a sweep's Run reads (a nested class cannot see the primary constructor's parameters).
    private IObjectStore Store => store;
    private AbortWorkflow Workflow => workflow;
    private QueuePair Queues => queues;
    private StructuredLogger Log => log;
    private TimeProvider Time => time;
    private ConcurrencyLimiter Limiter => limiter;

    /// <summary>
    /// Runs one sweep. <paramref name="stop"/> asks it to stop taking new uploads (an operator's Ctrl+C): what
    /// is in flight finishes and the summary says where to resume; <paramref name="ct"/> cancels even that.
    /// </summary>
    public async Task<SweepOutcome> RunAsync(SweepRequest sweep, InvocationContext context, IProgress<SweepProgress>? progress, CancellationToken ct, CancellationToken stop = default)
    {
        using var budget = new InvocationBudget(context, time, workflow.Settings.DeadlineReserve, ct);
        return await RunAsync(sweep, budget, progress, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one sweep within an invocation's budget (shared with other sweeps of the same invocation). Never throws
    /// because the deadline came: it stops listing at the soft deadline, in-flight aborts end (re-queued when cut
    /// off), and the summary and continuation are always produced.
    /// </summary>
    public async Task<SweepOutcome> RunAsync(SweepRequest sweep, InvocationBudget budget, IProgress<SweepProgress>? progress, CancellationToken stop = default)
    {
        var run = new Run(this, sweep, budget, progress, stop);
        if (workflow.Settings.Access.CheckSweep(sweep.Bucket, sweep.Prefix) is { } notAllowed)
            return run.Refuse(notAllowed);
        if (sweep.FanOut is { } shards)
            return await new SweepFanOut(queues, log).SendAsync(sweep, shards, budget.Settle).ConfigureAwait(false);
        return await run.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A sweep not started before the invocation's deadline (one of many buckets): passed on through the retry queue
    /// as it is, so it runs in an invocation of its own; failed, naming why, when it cannot be.
    /// </summary>
    public async Task<SweepOutcome> PassOnAsync(SweepRequest sweep, InvocationBudget budget)
    {
        var run = new Run(this, sweep, budget, null, default);
        return await run.PassOnAsync().ConfigureAwait(false);
    }

    /// <summary>One sweep's state: what it listed, matched and finished, and where it stopped.</summary>
    private sealed class Run(SweepRunner runner, SweepRequest sweep, InvocationBudget budget, IProgress<SweepProgress>? progress, CancellationToken stop)
    {
        private readonly Settings _settings = runner.Workflow.Settings;
        private readonly OutcomeCounts _counts = new();
        private readonly List<AbortResult> _notable = [];
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private readonly UploadListing _start = new(sweep.Bucket) { Prefix = sweep.Prefix, KeyMarker = sweep.KeyMarker, UploadIdMarker = sweep.UploadIdMarker };
        private ListingCheckpoint? _checkpoint;
        private long _pages, _listed, _matched, _done, _undated;
        private (string Key, string UploadId)? _lastListed;
        private string? _stopReason;
        private StoreException? _listingError;

        private bool DryRun => sweep.DryRun || _settings.DryRun;

        public SweepOutcome Refuse(string notAllowed)
        {
            var rejected = AbortResult.Rejected(sweep.Bucket, sweep.Prefix, null, sweep.Attempt, notAllowed);
            _counts.Add(rejected);
            runner.Log.Outcome(rejected);
            return new(Summary(continued: false), _counts, [rejected]);
        }

        public async Task<SweepOutcome> PassOnAsync()
        {
            _checkpoint = new ListingCheckpoint(_start);
            _stopReason = StopDeadline;
            var continued = await ContinueAsync(TimeSpan.Zero, "not started before the invocation's deadline").ConfigureAwait(false);
            return new(Summary(continued), _counts, _notable);
        }

        public async Task<SweepOutcome> ExecuteAsync()
        {
            _checkpoint = new ListingCheckpoint(_start);
            var minAge = _settings.MinUploadAge ?? TimeSpan.Zero;
            var cutoff = TimeBounds.Add(runner.Time.GetUtcNow(), -(sweep.OlderThan > minAge ? sweep.OlderThan : minAge));
            // Every upload is probed first (ListParts): it tells an active upload (MIN_IDLE) and the bytes an abort reclaims.
            var options = new AbortOptions
            {
                ProbeBeforeAbort = true,
                RequeueTransientFailures = true,
                DryRun = DryRun,
                MinIdle = sweep.MinIdle ?? _settings.MinIdle,
            };
            var reason = $"sweep older than {IsoDuration.Format(sweep.OlderThan)}";
            // One lease per upload, taken before the next upload is listed: the listing, the deadline and Ctrl+C are only
            // looked at when there is room for one more. Not cancelled by the deadline: Matching() ends instead, so no
            // result in flight is lost.
            await runner
                .Limiter.ForEachAsync(
                    Matching(cutoff),
                    async upload =>
                    {
                        var request = new AbortRequest(sweep.Bucket, upload.Key, upload.UploadId) { Reason = reason };
                        var result = await runner.Workflow.RunAsync(request, options with { KnownInitiated = upload.Initiated }, budget).ConfigureAwait(false);
                        _counts.Add(result);
                        if (result.Outcome is not (AbortOutcome.Aborted or AbortOutcome.AlreadyGone or AbortOutcome.WouldAbort or AbortOutcome.Active) || (result.Outcome is AbortOutcome.Active && sweep.ShowActive))
                            Keep(result);
                        progress?.Report(Snapshot(Interlocked.Increment(ref _done), final: false));
                    },
                    CancellationToken.None
                )
                .ConfigureAwait(false);

            var continued = await SettleStopAsync().ConfigureAwait(false);
            progress?.Report(Snapshot(Interlocked.Read(ref _done), final: true));
            return new(Summary(continued), _counts, _notable);
        }

        /// <summary>
        /// The uploads to abort, in listing order. Runs under the limiter's loop, one step at a time: plain fields are
        /// safe here. A listing failure or the deadline ends the stream instead of faulting the loop, which would lose
        /// the aborts in flight.
        /// </summary>
        private async IAsyncEnumerable<ListedUpload> Matching(DateTimeOffset cutoff)
        {
            var ct = budget.Work;
            await using var uploads = UploadLister.ListAsync(runner.Store, _start, ct, _ => Interlocked.Increment(ref _pages), _checkpoint).GetAsyncEnumerator(ct);
            while (true)
            {
                if (stop.IsCancellationRequested)
                {
                    _stopReason = StopInterrupted;
                    yield break;
                }
                if (budget.StopTaking)
                {
                    _stopReason = StopDeadline;
                    yield break;
                }
                bool more;
                try
                {
                    more = await uploads.MoveNextAsync().ConfigureAwait(false);
                }
                catch (StoreException ex)
                {
                    (_listingError, _stopReason) = (ex, StopListingFailed);
                    yield break;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    _stopReason = budget.Settle.IsCancellationRequested && budget.Remaining is null ? StopInterrupted : StopDeadline;
                    yield break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _listingError = new StoreException("ListMultipartUploads", $"unexpected {ex.GetType().Name}: {ex.Message}", false, null, ex);
                    _stopReason = StopListingFailed;
                    yield break;
                }
                if (!more)
                    yield break;

                var upload = uploads.Current;
                Interlocked.Increment(ref _listed);
                _lastListed = (upload.Key, upload.UploadId);
                // Safe on a live bucket: an upload whose age is unknown is never taken for a stale one.
                if (upload.Initiated is not { } at)
                {
                    if (Interlocked.Increment(ref _undated) == 1)
                        runner.Log.Log(LogLevel.Warning, $"sweep of {sweep}: the server gives no Initiated time for some uploads (first: {upload.Key}); they are left alone");
                    continue;
                }
                if (at > cutoff || _settings.Access.Check(sweep.Bucket, upload.Key) is not null)
                    continue;
                if (sweep.Shard is { } shard && !shard.Contains(upload.Key, upload.UploadId))
                    continue;
                Interlocked.Increment(ref _matched);
                yield return upload;
            }
        }

        /// <summary>What a stop before the end of the listing owes: a continuation, or a failure that says where to resume. True when continued.</summary>
        private async Task<bool> SettleStopAsync()
        {
            var listed = Interlocked.Read(ref _listed);
            switch (_stopReason)
            {
                case StopListingFailed:
                    runner.Log.Log(LogLevel.Error, $"sweep of {sweep} stopped: {_listingError!.Message}", _listingError);
                    if (_listingError.IsTransient && (listed > 0 || sweep.Attempt + 1 < _settings.MaxAttempts))
                        return await ContinueAsync(_settings.RetryDelayFor(sweep.Attempt), $"listing failed: {_listingError.Message}").ConfigureAwait(false);
                    // A refusal before anything was listed (credentials, permissions, a missing bucket) says what to fix;
                    // "run it again" would only meet it again.
                    Fail(_listingError.IsTransient || _lastListed is not null ? $"sweep listing failed: {_listingError.Message}; {ResumeHint()}" : $"sweep listing failed: {_listingError.Message}");
                    return false;
                case StopDeadline when listed == 0:
                    // Not one upload listed before the deadline (a slow store, or an invocation that began late): passed on
                    // like a failed listing, with a growing delay, so a continuation is not lost to one slow call; a
                    // function that can never list in time fails after MAX_ATTEMPTS instead of going round for ever.
                    if (sweep.Attempt + 1 < _settings.MaxAttempts)
                        return await ContinueAsync(_settings.RetryDelayFor(sweep.Attempt), "the invocation's time ran out before one upload was listed").ConfigureAwait(false);
                    Fail($"the invocation's time ran out before one upload was listed, {sweep.Attempt + 1} times; give the function a longer timeout than {IsoDuration.Format(_settings.DeadlineReserve)} plus one listing call");
                    return false;
                case StopDeadline:
                    return await ContinueAsync(TimeSpan.Zero, "the invocation's time ran low").ConfigureAwait(false);
                case StopInterrupted:
                    runner.Log.Log(LogLevel.Warning, $"sweep of {sweep} interrupted; {ResumeHint()}");
                    return false;
                default:
                    return false;
            }
        }

        private SweepProgress Snapshot(long finished, bool final) =>
            new(Interlocked.Read(ref _pages), Interlocked.Read(ref _listed), Interlocked.Read(ref _matched), finished, _counts)
            {
                Elapsed = _stopwatch.Elapsed,
                Final = final,
                Concurrency = final ? runner.Limiter.Settled : runner.Limiter.Limit,
            };

        private void Keep(AbortResult result)
        {
            lock (_notable)
                if (_notable.Count < MaxReportedResults)
                    _notable.Add(result);
        }

        private void Fail(string message)
        {
            var failed = new AbortResult(sweep.Bucket, sweep.Prefix ?? "", "", AbortOutcome.Failed, sweep.Attempt, 0, 0, message);
            _counts.Add(failed);
            Keep(failed);
            runner.Log.Outcome(failed);
        }

        private string ResumeHint()
        {
            if (_lastListed is null)
                return "nothing was listed; run it again";
            var (key, id) = Resume();
            return id is null ? $"resume from keyMarker '{key}'" : $"resume from keyMarker '{key}', uploadIdMarker '{id}'";
        }

        private (string? KeyMarker, string? UploadIdMarker) Resume() => _checkpoint!.ResumeAfter(_lastListed);

        private async Task<bool> ContinueAsync(TimeSpan delay, string why)
        {
            if (await new SweepContinuation(runner.Queues, runner.Log).SendAsync(sweep, Resume(), delay, why, budget.Settle).ConfigureAwait(false) is not { } problem)
                return true;
            Fail($"sweep stopped early ({why}) and could not re-queue its continuation ({problem}); {ResumeHint()}");
            return false;
        }

        private SweepSummary Summary(bool continued)
        {
            var (nextKey, nextId) = _stopReason is null ? default : Resume();
            return new()
            {
                Bucket = sweep.Bucket,
                Prefix = sweep.Prefix,
                OlderThan = IsoDuration.Format(sweep.OlderThan),
                DryRun = DryRun,
                Pages = _pages,
                Listed = _listed,
                Matched = _matched,
                Aborted = _counts[AbortOutcome.Aborted],
                AlreadyGone = _counts[AbortOutcome.AlreadyGone],
                WouldAbort = _counts[AbortOutcome.WouldAbort],
                Active = _counts[AbortOutcome.Active],
                MinIdle = IsoDuration.Format(sweep.MinIdle ?? _settings.MinIdle),
                Requeued = _counts[AbortOutcome.Requeued],
                DeadLettered = _counts[AbortOutcome.DeadLettered],
                Failed = _counts[AbortOutcome.Failed],
                BytesReclaimed = _counts.BytesReclaimed,
                Continued = continued,
                StopReason = _stopReason,
                NextKeyMarker = nextKey,
                NextUploadIdMarker = nextId,
                ElapsedSeconds = _stopwatch.Elapsed.TotalSeconds,
                Shard = sweep.Shard?.ToString(),
                Concurrency = runner.Limiter.Settled,
                AdaptiveConcurrency = runner.Limiter.IsAdaptive,
            };
        }
    }
}
