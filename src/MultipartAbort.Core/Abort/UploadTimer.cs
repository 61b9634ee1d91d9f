namespace MultipartAbort.Core.Abort;

/// <summary>Upload TTL without a scheduler: an abort request with <c>notBefore</c>, passed on through the retry queue until due.</summary>
internal sealed class UploadTimer(AbortWorkflow workflow, Settings settings, StructuredLogger log, TimeProvider time)
{
    // Two clocks, and the audit event's time is in whole seconds.
    public static readonly TimeSpan InitiatedSkew = TimeSpan.FromSeconds(5);

    internal async Task<IReadOnlyList<AbortResult>> ArmAsync(UploadStart start, AbortOptions options, Invocation invocation)
    {
        if (settings.UploadTtl is not { } ttl)
            return [
                Logged(
                    AbortResult.Rejected(
                        start.Bucket,
                        start.Key,
                        start.UploadId,
                        0,
                        $"an upload-started event ({start.Source}) arrived but {EnvironmentVariables.UploadTtl} is not set, so no timer is armed; "
                            + $"set {EnvironmentVariables.UploadTtl} or stop routing these events here"
                    )
                ),
            ];
        // A start far in the future (or before any store existed) is no real upload: refused, not armed for the end of time.
        if (TimeBounds.Check(start.Initiated, time.GetUtcNow(), TimeBounds.StartSkew) is { } badStart)
            return [Logged(AbortResult.Rejected(start.Bucket, start.Key, start.UploadId, 0, $"{start.Source}: the upload's start time {badStart}; no timer is armed", start.Source.StartsWith("CloudTrail", StringComparison.Ordinal) ? "detail.eventTime" : "eventTime"))];
        var request = new AbortRequest(start.Bucket, start.Key, start.UploadId ?? "")
        {
            NotBefore = TimeBounds.Add(start.Initiated, ttl),
            InitiatedAt = start.UploadId is null ? start.Initiated : null,
            Reason = $"upload TTL {IsoDuration.Format(ttl)} armed by {start.Source}",
        };
        return await RunAsync(request, options, invocation, $"armed by {start.Source} (UPLOAD_TTL {IsoDuration.Format(ttl)})").ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AbortResult>> RunAsync(AbortRequest request, AbortOptions options, Invocation invocation, string? armedBy = null)
    {
        if (settings.Access.Check(request.Bucket, request.Key) is { } notAllowed)
            return [Logged(Result(request, AbortOutcome.Rejected, notAllowed))];
        if (request.NamesKeyOnly && request.InitiatedAt is null)
            return [Logged(Result(request, AbortOutcome.Rejected, "the timer names neither an upload id nor initiatedAt, so it names no upload"))];

        var now = time.GetUtcNow();
        if (request.InitiatedAt is { } initiatedAt && TimeBounds.Check(initiatedAt, now, TimeBounds.StartSkew) is { } badStart)
            return [Logged(Result(request, AbortOutcome.Rejected, $"initiatedAt {badStart}; an upload cannot have begun then") with { Field = "initiatedAt" })];
        if (request.NotBefore is { } early && TimeBounds.Check(early, now, TimeSpan.MaxValue) is { } badDue)
            return [Logged(Result(request, AbortOutcome.Rejected, $"notBefore {badDue}") with { Field = "notBefore" })];
        if (request.NotBefore is { } due && due > now)
        {
            if (due - now > Settings.MaxTimerHorizon)
                return [Logged(Result(request, AbortOutcome.Rejected, $"notBefore {Rfc3339.Format(due)} is more than 30 days ahead; a timer that far out is refused") with { Field = "notBefore" })];
            return [Logged(await PassOnAsync(request, due, now, armedBy, invocation).ConfigureAwait(false))];
        }

        // A finished upload ends at the probe, an active one waits; the last attempt skips the check, so none waits forever.
        var dueRequest = request with { NotBefore = null };
        var lastAttempt = request.Attempt + 1 >= settings.MaxAttempts;
        var dueOptions = options with
        {
            SettleOnProbe = true,
            MinIdle = lastAttempt ? null : settings.MinIdle,
            // Back when it will be idle or reach the cap, whichever is first.
            MaxAge = settings.MaxUploadAge,
        };
        if (lastAttempt)
            dueRequest = dueRequest with { MinIdle = null };
        var results = dueRequest.NamesKeyOnly
            ? await RunByKeyAsync(dueRequest, dueOptions, invocation).ConfigureAwait(false)
            : [await workflow.RunAsync(dueRequest, dueOptions, invocation).ConfigureAwait(false)];
        if (!results.Any(r => r.Outcome == AbortOutcome.Active))
            return results;
        var settled = new List<AbortResult>(results.Count);
        foreach (var result in results)
            settled.Add(result is { Outcome: AbortOutcome.Active, IdleAt: { } idleAt } ? Logged(await UntilIdleAsync(dueRequest, result, idleAt, now, invocation).ConfigureAwait(false)) : result);
        return settled;
    }

    private Task<AbortResult> UntilIdleAsync(AbortRequest request, AbortResult active, DateTimeOffset idleAt, DateTimeOffset now, Invocation invocation)
    {
        var next = request with
        {
            UploadId = active.UploadId,
            InitiatedAt = null,
            NotBefore = idleAt > now ? idleAt : TimeBounds.Add(now, Settings.MinUploadTtl),
            Attempt = request.Attempt + 1,
            Reason = active.Message,
        };
        return PassOnAsync(next, next.NotBefore!.Value, now, $"for an active upload ({active.Message})", invocation);
    }

    private async Task<AbortResult> PassOnAsync(AbortRequest request, DateTimeOffset due, DateTimeOffset now, string? armedBy, Invocation invocation)
    {
        var what = armedBy is null ? "timer" : $"timer {armedBy}";
        var rest = due - now;
        var delay = rest < Settings.MaxRetryDelay ? rest : Settings.MaxRetryDelay;
        var body = MessageJson.AbortRequest(request);
        if (await invocation.Queues.Retry.TrySendAsync(EnvironmentVariables.RetryQueueUrl, body, delay, invocation.Settle).ConfigureAwait(false) is { } problem)
            return Result(request, AbortOutcome.Failed, $"{what}: due at {Rfc3339.Format(due)}; passing it on failed: {problem}");
        var seconds = Math.Ceiling(delay.TotalSeconds).ToString("0", CultureInfo.InvariantCulture);
        return Result(request, AbortOutcome.Requeued, $"{what}: due at {Rfc3339.Format(due)}; passed on through the retry queue with a delay of {seconds} s, no store call");
    }

    private async Task<IReadOnlyList<AbortResult>> RunByKeyAsync(AbortRequest request, AbortOptions options, Invocation invocation)
    {
        var cutoff = TimeBounds.Add(request.InitiatedAt!.Value, InitiatedSkew);
        var matched = new List<ListedUpload>();
        var newer = 0;
        var undated = 0;
        try
        {
            await foreach (var listed in workflow.UploadsOfKey(request.Bucket, request.Key, request.ExpectedBucketOwner, invocation.Work).ConfigureAwait(false))
            {
                if (listed.Initiated is not { } initiated)
                    undated++;
                else if (initiated <= cutoff)
                    matched.Add(listed);
                else
                    newer++;
            }
        }
        catch (StoreException ex)
        {
            var outcome = ex.IsBucketMissing ? AbortOutcome.AlreadyGone : AbortOutcome.Failed;
            var why = ex.IsBucketMissing ? "the bucket does not exist, so neither do its uploads" : $"timer due: listing the key's uploads failed: {ex.Message}";
            return [Logged(Result(request, outcome, why))];
        }
        catch (OperationCanceledException) when (invocation.Work.IsCancellationRequested)
        {
            return [await workflow.DeferAsync(request, invocation).ConfigureAwait(false)];
        }

        var leftAlone = (newer > 0 ? $"; {newer} newer upload(s) of the key left alone" : "")
            + (undated > 0 ? $"; {undated} upload(s) without an Initiated time left alone" : "");
        if (matched.Count == 0)
            return [Logged(Result(request, AbortOutcome.AlreadyGone, $"timer due: no upload of the key initiated by {Rfc3339.Format(cutoff)} remains (ListMultipartUploads){leftAlone}"))];
        if (leftAlone.Length > 0)
            log.Log(LogLevel.Information, $"timer for {request}: aborting {matched.Count} upload(s){leftAlone}");
        var results = new List<AbortResult>(matched.Count);
        foreach (var upload in matched)
            results.Add(
                await workflow
                    .RunAsync(request with { UploadId = upload.UploadId, InitiatedAt = null }, options with { KnownInitiated = upload.Initiated }, invocation)
                    .ConfigureAwait(false)
            );
        return results;
    }

    private AbortResult Logged(AbortResult result)
    {
        log.Outcome(result);
        return result;
    }

    private static AbortResult Result(AbortRequest r, AbortOutcome outcome, string message) => new(r.Bucket, r.Key, r.UploadId, outcome, r.Attempt, 0, 0, message);
}
