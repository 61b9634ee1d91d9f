using System.Diagnostics;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Fleet;
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
public sealed class SweepRunner(FleetScan scan, AbortWorkflow workflow, QueuePair queues, Settings settings, StructuredLogger log, TimeProvider time)
{
    /// <summary>How many non-clean results a sweep keeps for its answer; the counts cover every upload.</summary>
    public const int MaxReportedResults = 100;

    public const string StopDeadline = BucketListing.StopDeadline;
    public const string StopInterrupted = BucketListing.StopInterrupted;
    public const string StopListingFailed = BucketListing.StopListingFailed;

    // What a sweep's Run reads (a nested class cannot see the primary constructor's parameters).
    private FleetScan Scan => scan;
    private AbortWorkflow Workflow => workflow;
    private Settings Settings => settings;
    private QueuePair Queues => queues;
    private StructuredLogger Log => log;
    private TimeProvider Time => time;
    private ConcurrencyLimiter Limiter => scan.Limiter;

    /// <summary>
    /// Runs one sweep. <paramref name="stop"/> asks it to stop taking new uploads (an operator's Ctrl+C): what
    /// is in flight finishes and the summary says where to resume; <paramref name="ct"/> cancels even that.
    /// </summary>
    public async Task<SweepOutcome> RunAsync(SweepRequest sweep, InvocationContext context, IProgress<SweepProgress>? progress, CancellationToken ct, CancellationToken stop = default)
    {
        using var budget = new InvocationBudget(context, time, settings.DeadlineReserve, ct);
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
        if (settings.Access.CheckSweep(sweep.Bucket, sweep.Prefix) is { } notAllowed)
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

    /// <summary>
    /// The sweeps <paramref name="templates"/> ask for, each one's bucket a name or a glob (<c>*</c>: every bucket), within
    /// ALLOWED_BUCKETS, in name order per template; a bucket that cannot be scanned is a result (<see cref="FleetScan.Unscannable"/>)
    /// naming <paramref name="asker"/> (<c>SWEEP_TARGETS</c>, <c>mpa sweep</c>).
    /// </summary>
    public async Task<(IReadOnlyList<SweepRequest> Sweeps, IReadOnlyList<AbortResult> Unscannable)> SelectAsync(IEnumerable<SweepRequest> templates, string asker, CancellationToken ct)
    {
        var sweeps = new List<SweepRequest>();
        var unscannable = new List<AbortResult>();
        foreach (var group in templates.GroupBy(t => t with { Bucket = "" }))
        {
            var selection = await scan.SelectAsync([.. group.Select(t => t.Bucket)], false, ct).ConfigureAwait(false);
            unscannable.AddRange(selection.Refused.Select(r => FleetScan.Unscannable(r, group.Key.Prefix, asker)));
            sweeps.AddRange(selection.Buckets.Select(b => group.Key with { Bucket = b }));
        }
        foreach (var result in unscannable)
            log.Outcome(result);
        return (sweeps, unscannable);
    }

    /// <summary>
    /// Several sweeps (a fleet's buckets, SWEEP_TARGETS, the shards of one sweep) a few at once under the one limiter,
    /// with one merged progress; those not started by the soft deadline are passed on to run in invocations of their own.
    /// </summary>
    /// <param name="oneListing">Shards of one sweep: all run at once (each is one worker) and their listing counts once.</param>
    public async Task<FleetSweep> RunAllAsync(IReadOnlyList<SweepRequest> sweeps, InvocationBudget budget, IProgress<SweepProgress>? progress, CancellationToken stop = default, bool oneListing = false)
    {
        var merged = new MergedProgress(sweeps.Count, oneListing, progress);
        var runs = new Task<SweepOutcome>[sweeps.Count];
        var started = await FleetScan
            .ForEachBucketAsync(sweeps.Count, () => budget.StopTaking, i => runs[i] = RunAsync(sweeps[i], budget, merged.For(i), stop), oneListing ? sweeps.Count : FleetScan.BucketsAtOnce)
            .ConfigureAwait(false);
        for (var i = started; i < sweeps.Count; i++)
            runs[i] = PassOnAsync(sweeps[i], budget);
        var outcomes = await Task.WhenAll(runs).ConfigureAwait(false);
        var counts = new OutcomeCounts();
        foreach (var (summary, sweepCounts, _) in outcomes)
        {
            counts.Add(sweepCounts);
            log.Log(
                LogLevel.Information,
                $"sweep of {summary.Bucket}{(summary.Prefix is null ? "" : "/" + summary.Prefix)}: listed {summary.Listed}, matched {summary.Matched}, aborted {summary.Aborted}, already gone {summary.AlreadyGone}, requeued {summary.Requeued}, failed {summary.Failed}"
            );
        }
        return new([.. outcomes.Select(o => o.Summary)], counts, [.. outcomes.SelectMany(o => o.Notable)]);
    }

    /// <summary>
    /// One sweep as <paramref name="shards"/> workers in this process, merged into one summary: every shard lists the same
    /// range and acts on its own uploads (the arithmetic of the function's fan-out, so the two can be mixed).
    /// </summary>
    public async Task<SweepOutcome> RunShardsAsync(SweepRequest sweep, int shards, InvocationBudget budget, IProgress<SweepProgress>? progress, CancellationToken stop = default)
    {
        var requests = Enumerable.Range(0, shards).Select(i => sweep with { Shard = new SweepShard(i, shards) }).ToArray();
        var (summaries, counts, notable) = await RunAllAsync(requests, budget, progress, stop, oneListing: true).ConfigureAwait(false);
        // The listing counts once; what each shard took and did adds up.
        var first = summaries.FirstOrDefault(s => s.StopReason is not null) ?? summaries[0];
        var earliest = EarliestStop(summaries);
        var summary = first with
        {
            Pages = summaries.Max(s => s.Pages),
            Listed = summaries.Max(s => s.Listed),
            Matched = summaries.Sum(s => s.Matched),
            Counts = counts,
            ElapsedSeconds = summaries.Max(s => s.ElapsedSeconds),
            Shard = $"all {shards}",
            NextKeyMarker = earliest?.NextKeyMarker,
            NextUploadIdMarker = earliest?.NextUploadIdMarker,
        };
        return new(summary, counts, [.. notable.Take(MaxReportedResults)]);
    }

    /// <summary>
    /// Shards stop at different places: resuming all of them from the one that stopped earliest loses nothing (each
    /// shard's own markers are in its log lines). Every shard lists the same uploads in the same order, so the one that
    /// listed the fewest stopped earliest, in whatever order the store lists (S3's key order, or Ceph RGW's own).
    /// </summary>
    internal static SweepSummary? EarliestStop(IEnumerable<SweepSummary> summaries) => summaries.Where(s => s.NextKeyMarker is not null).MinBy(s => s.Listed);

    /// <summary>One sweep's state: what it listed, matched and finished, and where it stopped.</summary>
    private sealed class Run(SweepRunner runner, SweepRequest sweep, InvocationBudget budget, IProgress<SweepProgress>? progress, CancellationToken stop)
    {
        private readonly Settings _settings = runner.Settings;
        private readonly OutcomeCounts _counts = new();
        private readonly List<AbortResult> _notable = [];
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private readonly BucketListing _listing = runner.Scan.List(new UploadListing(sweep.Bucket) { Prefix = sweep.Prefix, KeyMarker = sweep.KeyMarker, UploadIdMarker = sweep.UploadIdMarker }, budget, stop);
        private long _matched, _done, _undated;
        private string? _passedOn;

        private string? StopReason => _passedOn ?? _listing.StopReason;

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
            _passedOn = StopDeadline;
            var continued = await ContinueAsync(TimeSpan.Zero, "not started before the invocation's deadline").ConfigureAwait(false);
            return new(Summary(continued), _counts, _notable);
        }

        public async Task<SweepOutcome> ExecuteAsync()
        {
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
                .Scan.VisitAsync(
                    _listing,
                    upload => Matches(upload, cutoff),
                    async upload =>
                    {
                        var request = new AbortRequest(sweep.Bucket, upload.Key, upload.UploadId) { Reason = reason };
                        var result = await runner.Workflow.RunAsync(request, options with { KnownInitiated = upload.Initiated }, budget).ConfigureAwait(false);
                        _counts.Add(result);
                        if (!result.Outcome.IsClean() || (result.Outcome is AbortOutcome.Active && sweep.ShowActive))
                            Keep(result);
                        progress?.Report(Snapshot(Interlocked.Increment(ref _done), final: false));
                    }
                )
                .ConfigureAwait(false);

            var continued = await SettleStopAsync().ConfigureAwait(false);
            progress?.Report(Snapshot(Interlocked.Read(ref _done), final: true));
            return new(Summary(continued), _counts, _notable);
        }

        /// <summary>Whether a listed upload is this sweep's to abort; runs in the listing's loop, one at a time.</summary>
        private bool Matches(ListedUpload upload, DateTimeOffset cutoff)
        {
            // Safe on a live bucket: an upload whose age is unknown is never taken for a stale one.
            if (upload.Initiated is not { } at)
            {
                if (Interlocked.Increment(ref _undated) == 1)
                    runner.Log.Log(LogLevel.Warning, $"sweep of {sweep}: the server gives no Initiated time for some uploads (first: {upload.Key}); they are left alone");
                return false;
            }
            if (at > cutoff || _settings.Access.Check(sweep.Bucket, upload.Key) is not null)
                return false;
            if (sweep.Shard is { } shard && !shard.Contains(upload.Key, upload.UploadId))
                return false;
            Interlocked.Increment(ref _matched);
            return true;
        }

        /// <summary>What a stop before the end of the listing owes: a continuation, or a failure that says where to resume. True when continued.</summary>
        private async Task<bool> SettleStopAsync()
        {
            var listed = _listing.Listed;
            var error = _listing.Error;
            switch (StopReason)
            {
                case StopListingFailed:
                    runner.Log.Log(LogLevel.Error, $"sweep of {sweep} stopped: {error!.Message}", error);
                    if (error.IsTransient && (listed > 0 || sweep.Attempt + 1 < _settings.MaxAttempts))
                        return await ContinueAsync(_settings.RetryDelayFor(sweep.Attempt), $"listing failed: {error.Message}").ConfigureAwait(false);
                    // A refusal before anything was listed (credentials, permissions, a missing bucket) says what to fix;
                    // "run it again" would only meet it again.
                    Fail(error.IsTransient || _listing.LastListed is not null ? $"sweep listing failed: {error.Message}; {ResumeHint()}" : $"sweep listing failed: {error.Message}");
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
            new(_listing.Pages, _listing.Listed, Interlocked.Read(ref _matched), finished, _counts)
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
            if (_listing.LastListed is null)
                return "nothing was listed; run it again";
            var (key, id) = Resume();
            return id is null ? $"resume from keyMarker '{key}'" : $"resume from keyMarker '{key}', uploadIdMarker '{id}'";
        }

        private (string? KeyMarker, string? UploadIdMarker) Resume() => _listing.ResumeAfter();

        private async Task<bool> ContinueAsync(TimeSpan delay, string why)
        {
            if (await new SweepContinuation(runner.Queues, runner.Log).SendAsync(sweep, Resume(), delay, why, budget.Settle).ConfigureAwait(false) is not { } problem)
                return true;
            Fail($"sweep stopped early ({why}) and could not re-queue its continuation ({problem}); {ResumeHint()}");
            return false;
        }

        private SweepSummary Summary(bool continued)
        {
            var (nextKey, nextId) = StopReason is null ? default : Resume();
            return new()
            {
                Bucket = sweep.Bucket,
                Prefix = sweep.Prefix,
                OlderThan = IsoDuration.Format(sweep.OlderThan),
                DryRun = DryRun,
                Pages = _listing.Pages,
                Listed = _listing.Listed,
                Matched = _matched,
                Counts = _counts,
                MinIdle = IsoDuration.Format(sweep.MinIdle ?? _settings.MinIdle),
                Continued = continued,
                StopReason = StopReason,
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
