using System.Diagnostics;

namespace MultipartAbort.Core.Sweep;

/// <summary>Streams the listing, aborts each upload older than the cut-off, and when time runs low lets in-flight work finish and re-queues a continuation.</summary>
public sealed class SweepRunner(FleetScan scan, AbortWorkflow workflow, Settings settings, StructuredLogger log, TimeProvider time)
{
    // The counts cover every upload; the answer keeps only this many non-clean results.
    public const int MaxReportedResults = 100;

    public const string StopDeadline = BucketListing.StopDeadline;
    public const string StopInterrupted = BucketListing.StopInterrupted;
    public const string StopListingFailed = BucketListing.StopListingFailed;

    // A nested class cannot see the primary constructor's parameters.
    private FleetScan Scan => scan;
    private AbortWorkflow Workflow => workflow;
    private Settings Settings => settings;
    private StructuredLogger Log => log;
    private TimeProvider Time => time;

    // Never throws for the deadline: the summary and continuation are always produced.
    internal async Task<SweepOutcome> RunAsync(SweepRequest sweep, Invocation invocation)
    {
        var run = new Run(this, sweep, invocation);
        if (settings.Access.CheckSweep(sweep.Bucket, sweep.Prefix) is { } notAllowed)
            return run.Refuse(notAllowed);
        if (sweep.FanOut is { } shards)
            return await new SweepFanOut(invocation.Queues, log).SendAsync(sweep, shards, invocation.Settle).ConfigureAwait(false);
        return await run.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Every host's sweep: one bucket, its shards run here, or a fleet (names, globs, <c>*</c>); below a floor, refused unlisted.</summary>
    public async Task<InvocationResult> SweepAsync(SweepRequest sweep, Invocation invocation, IReadOnlyList<string>? fleet = null, int? shards = null, Action<int>? selected = null, bool commandLine = false)
    {
        if (BelowFloor(sweep, settings, invocation) is { } floor)
            return InvocationResult.From([Refuse(sweep, floor, commandLine)]);
        if (fleet is not null)
            return await SweepFleetAsync(fleet.Select(b => sweep with { Bucket = b }), "mpa sweep", invocation, selected).ConfigureAwait(false);
        selected?.Invoke(1);
        return shards is { } n ? await RunShardsAsync(sweep, n, invocation).ConfigureAwait(false) : await RunAllAsync([sweep], invocation).ConfigureAwait(false);
    }

    // A bucket that cannot be scanned is a result and the others go on; even one bucket answers as a list.
    internal async Task<InvocationResult> SweepFleetAsync(IEnumerable<SweepRequest> templates, string asker, Invocation invocation, Action<int>? selected = null)
    {
        var sweeps = new List<SweepRequest>();
        var unscannable = new List<AbortResult>();
        foreach (var group in templates.GroupBy(t => t with { Bucket = "" }))
        {
            var selection = await scan.SelectAsync([.. group.Select(t => t.Bucket)], false, invocation.Work).ConfigureAwait(false);
            unscannable.AddRange(selection.Refused.Select(r => FleetScan.Unscannable(r, group.Key.Prefix, asker)));
            sweeps.AddRange(selection.Buckets.Select(b => group.Key with { Bucket = b }));
        }
        foreach (var refusal in unscannable)
            log.Outcome(refusal);
        selected?.Invoke(sweeps.Count);
        var run = await RunAllAsync(sweeps, invocation).ConfigureAwait(false);
        foreach (var refusal in unscannable)
            run.Summary.Add(refusal);
        return run with { Results = [.. unscannable, .. run.Results], SweepsAsList = true };
    }

    // `mpa sweep` reads it as a usage error (field sweep.olderThan); an event, drained ones too, reads it in its answer and the log.
    private AbortResult Refuse(SweepRequest sweep, (string Field, string Problem) floor, bool commandLine)
    {
        if (commandLine)
            return AbortResult.Rejected(sweep.Bucket, sweep.Prefix, null, sweep.Attempt, $"--older-than {floor.Problem}; add --allow-young to sweep uploads that young, or lower {EnvironmentVariables.SweepMinAge}", $"sweep.{floor.Field}");
        var rejection = AbortResult.Rejected(sweep.Bucket, sweep.Prefix, null, sweep.Attempt, $"sweep.{floor.Field} {floor.Problem}; nothing was listed", $"sweep.{floor.Field}");
        log.Outcome(rejection);
        return rejection;
    }

    // SWEEP_MIN_AGE unless young uploads are allowed (else any event could sweep live ones); an event may only raise MIN_IDLE, MAX_UPLOAD_AGE.
    internal static (string Field, string Problem)? BelowFloor(SweepRequest sweep, Settings settings, Invocation invocation)
    {
        if (sweep.OlderThan < settings.SweepMinAge && !invocation.AllowYoung)
            return ("olderThan", $"{IsoDuration.Format(sweep.OlderThan)} is below {EnvironmentVariables.SweepMinAge} ({IsoDuration.Format(settings.SweepMinAge)})");
        if (invocation.Asker == Asker.Event && sweep.MinIdle is { } asked && asked < settings.MinIdle)
            return ("minIdle", $"{IsoDuration.Format(asked)} is below {EnvironmentVariables.MinIdle} ({IsoDuration.Format(settings.MinIdle)}); an event may raise it, not lower it");
        if (invocation.Asker == Asker.Event && sweep.MaxAge is { } cap && (settings.MaxUploadAge is not { } floor || cap < floor))
            return ("maxAge", $"{IsoDuration.Format(cap)} is below {EnvironmentVariables.MaxUploadAge} ({(settings.MaxUploadAge is { } m ? IsoDuration.Format(m) : "unset: no cap")}); an event may raise it, not lower it");
        return null;
    }

    // oneListing: shards of one sweep, all run at once, their listing counted once.
    internal async Task<InvocationResult> RunAllAsync(IReadOnlyList<SweepRequest> sweeps, Invocation invocation, bool oneListing = false)
    {
        var merged = new MergedProgress(sweeps.Count, oneListing, invocation.Progress);
        var runs = new Task<SweepOutcome>[sweeps.Count];
        var started = await FleetScan
            .ForEachBucketAsync(sweeps.Count, () => invocation.StopTaking, i => runs[i] = RunAsync(sweeps[i], invocation.Reporting(merged.For(i))), oneListing ? sweeps.Count : FleetScan.BucketsAtOnce)
            .ConfigureAwait(false);
        for (var i = started; i < sweeps.Count; i++)
            runs[i] = new Run(this, sweeps[i], invocation).PassOnAsync();
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
        return new InvocationResult([.. outcomes.SelectMany(o => o.Notable)], counts) { Sweeps = [.. outcomes.Select(o => o.Summary)] };
    }

    // Answered as one sweep: the shards list one range.
    private async Task<InvocationResult> RunShardsAsync(SweepRequest sweep, int shards, Invocation invocation)
    {
        var requests = Enumerable.Range(0, shards).Select(i => sweep with { Shard = new SweepShard(i, shards) }).ToArray();
        var all = await RunAllAsync(requests, invocation, oneListing: true).ConfigureAwait(false);
        var summaries = all.Sweeps;
        var first = summaries.FirstOrDefault(s => s.StopReason is not null) ?? summaries[0];
        var earliest = EarliestStop(summaries);
        var summary = first with
        {
            Pages = summaries.Max(s => s.Pages),
            Listed = summaries.Max(s => s.Listed),
            Matched = summaries.Sum(s => s.Matched),
            OverMaxAge = summaries.Sum(s => s.OverMaxAge),
            Counts = all.Summary,
            ElapsedSeconds = summaries.Max(s => s.ElapsedSeconds),
            Shard = $"all {shards}",
            PrefixFilteredLocally = summaries.Any(s => s.PrefixFilteredLocally),
            NextKeyMarker = earliest?.NextKeyMarker,
            NextUploadIdMarker = earliest?.NextUploadIdMarker,
        };
        return new InvocationResult([.. all.Results.Take(MaxReportedResults)], all.Summary) { Sweeps = [summary] };
    }

    // All shards list the same order, so the one that listed fewest stopped earliest; resuming there loses nothing.
    internal static SweepSummary? EarliestStop(IEnumerable<SweepSummary> summaries) => summaries.Where(s => s.NextKeyMarker is not null).MinBy(s => s.Listed);

    private sealed class Run(SweepRunner runner, SweepRequest sweep, Invocation invocation)
    {
        private readonly Settings _settings = runner.Settings;
        private readonly OutcomeCounts _counts = new();
        private readonly List<AbortResult> _notable = [];
        private readonly Stopwatch _stopwatch = Stopwatch.StartNew();
        private readonly BucketListing _listing = runner.Scan.List(new UploadListing(sweep.Bucket) { Prefix = sweep.Prefix, KeyMarker = sweep.KeyMarker, UploadIdMarker = sweep.UploadIdMarker }, invocation);
        private long _matched, _done, _undated, _overMaxAge;
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
            // The probe (ListParts) tells an active upload (MIN_IDLE) and the bytes an abort reclaims.
            var options = new AbortOptions
            {
                DryRun = DryRun,
                MinIdle = sweep.MinIdle ?? _settings.MinIdle,
                MaxAge = sweep.MaxAge ?? _settings.MaxUploadAge,
            };
            var reason = $"sweep older than {IsoDuration.Format(sweep.OlderThan)}";
            // Lease before listing the next upload, so listing waits for room. The deadline ends Matching(), not the lease,
            // so no in-flight result is lost.
            await runner
                .Scan.VisitAsync(
                    _listing,
                    upload => Matches(upload, cutoff),
                    async upload =>
                    {
                        var request = new AbortRequest(sweep.Bucket, upload.Key, upload.UploadId) { Reason = reason };
                        var result = await runner.Workflow.RunAsync(request, options with { KnownInitiated = upload.Initiated }, invocation).ConfigureAwait(false);
                        _counts.Add(result);
                        if (result.StaleBy == AbortResult.StaleByMaxUploadAge)
                            Interlocked.Increment(ref _overMaxAge);
                        if (!result.Outcome.IsClean() || (result.Outcome is AbortOutcome.Active && sweep.ShowActive))
                            Keep(result);
                        invocation.Progress?.Report(Snapshot(Interlocked.Increment(ref _done), final: false));
                    }
                )
                .ConfigureAwait(false);

            var continued = await SettleStopAsync().ConfigureAwait(false);
            invocation.Progress?.Report(Snapshot(Interlocked.Read(ref _done), final: true));
            return new(Summary(continued), _counts, _notable);
        }

        private bool Matches(ListedUpload upload, DateTimeOffset cutoff)
        {
            // An upload of unknown age is never taken for a stale one.
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

        // A stop before the listing's end owes a continuation (true) or a failure saying where to resume.
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
                    // A refusal before anything was listed says what to fix; retrying would meet it again.
                    Fail(error.IsTransient || _listing.LastListed is not null ? $"sweep listing failed: {error.Message}; {ResumeHint()}" : $"sweep listing failed: {error.Message}");
                    return false;
                case StopDeadline when listed == 0:
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
                Concurrency = final ? runner.Scan.Limiter.Settled : runner.Scan.Limiter.Limit,
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
            var (key, id) = _listing.ResumeAfter();
            return id is null ? $"resume from keyMarker '{key}'" : $"resume from keyMarker '{key}', uploadIdMarker '{id}'";
        }

        // Re-sent through the retry queue to resume where the listing left off.
        private async Task<bool> ContinueAsync(TimeSpan delay, string why)
        {
            var (key, id) = _listing.ResumeAfter();
            var next = sweep with { KeyMarker = key, UploadIdMarker = id, Attempt = sweep.Attempt + 1 };
            if (await invocation.Queues.Retry.TrySendAsync(EnvironmentVariables.RetryQueueUrl, MessageJson.Sweep(next), delay, invocation.Settle).ConfigureAwait(false) is { } problem)
            {
                Fail($"sweep stopped early ({why}) and could not re-queue its continuation ({problem}); {ResumeHint()}");
                return false;
            }
            var where = key is null ? "from the start" : id is null ? $"after key '{key}'" : $"after key '{key}', upload {id}";
            runner.Log.Log(LogLevel.Information, $"sweep of {sweep} stopped ({why}); continues {where}");
            return true;
        }

        private SweepSummary Summary(bool continued)
        {
            var (nextKey, nextId) = StopReason is null ? default : _listing.ResumeAfter();
            return new()
            {
                Bucket = sweep.Bucket,
                Prefix = sweep.Prefix,
                OlderThan = IsoDuration.Format(sweep.OlderThan),
                DryRun = DryRun,
                Pages = _listing.Pages,
                Listed = _listing.Listed,
                Matched = _matched,
                OverMaxAge = Interlocked.Read(ref _overMaxAge),
                Counts = _counts,
                MinIdle = IsoDuration.Format(sweep.MinIdle ?? _settings.MinIdle),
                MaxUploadAge = (sweep.MaxAge ?? _settings.MaxUploadAge) is { } cap ? IsoDuration.Format(cap) : null,
                Continued = continued,
                StopReason = StopReason,
                NextKeyMarker = nextKey,
                NextUploadIdMarker = nextId,
                ElapsedSeconds = _stopwatch.Elapsed.TotalSeconds,
                Shard = sweep.Shard?.ToString(),
                PrefixFilteredLocally = _listing.PrefixFilteredLocally,
                Concurrency = runner.Scan.Limiter.Settled,
                AdaptiveConcurrency = runner.Scan.Limiter.IsAdaptive,
            };
        }
    }
}
