namespace MultipartAbort.Core.Abort;

/// <summary>Abort, verify with ListParts, re-abort while parts remain, then re-queue or dead-letter; exactly one outcome per path.</summary>
public sealed class AbortWorkflow(IObjectStore store, Settings settings, StructuredLogger log, TimeProvider time)
{
    // Store calls end at the work cut-off; re-queues may use the rest.
    internal async Task<AbortResult> RunAsync(AbortRequest request, AbortOptions options, Invocation invocation)
    {
        AbortResult result;
        try
        {
            var staleBy = new StaleBy();
            result = await RunCoreAsync(request, options, invocation, staleBy).ConfigureAwait(false);
            if (staleBy.Rule is { } rule && result.Outcome is AbortOutcome.Aborted or AbortOutcome.WouldAbort or AbortOutcome.AlreadyGone or AbortOutcome.Requeued)
                result = result with { StaleBy = rule };
        }
        catch (Exception ex)
        {
            // A bug or stray cancellation: still one outcome, so the batch around it goes on.
            log.Log(LogLevel.Error, $"unexpected error while handling {request}: {ex.GetType().Name}: {ex.Message}", ex);
            result = Result(request, AbortOutcome.Failed, 0, 0, $"unexpected error ({ex.GetType().Name}); see the log");
        }
        log.Outcome(result);
        return result;
    }

    // Re-queued with attempt + 1, so a deferred upload cannot loop forever.
    internal async Task<AbortResult> DeferAsync(AbortRequest request, Invocation invocation)
    {
        var result = await RequeueOrDeadLetterAsync(request, 0, 0, "not started before the invocation's deadline", TimeSpan.Zero, invocation).ConfigureAwait(false);
        log.Outcome(result);
        return result;
    }

    private sealed class StaleBy
    {
        public string? Rule;
    }

    private async Task<AbortResult> RunCoreAsync(AbortRequest request, AbortOptions options, Invocation invocation, StaleBy staleBy)
    {
        if (StoreNames.CheckBucket(request.Bucket) is { } badBucket)
            return Result(request, AbortOutcome.Rejected, 0, 0, $"bucket {badBucket}");
        if (StoreNames.CheckKey(request.Key) is { } badKey)
            return Result(request, AbortOutcome.Rejected, 0, 0, $"key {badKey}");
        if (settings.Access.Check(request.Bucket, request.Key) is { } notAllowed)
            return Result(request, AbortOutcome.Rejected, 0, 0, notAllowed);
        var ct = invocation.Work;
        // On the request, so a re-queue before the abort still owes the activity check.
        var minIdle = request.MinIdle ?? options.MinIdle;
        request = request with { MinIdle = minIdle > TimeSpan.Zero ? minIdle : null };

        var upload = new UploadRef(request.Bucket, request.Key, request.UploadId)
        {
            ExpectedBucketOwner = request.ExpectedBucketOwner,
            RequestPayer = request.RequestPayer,
        };
        var abortCalls = 0;
        var step = "ListMultipartUploads";
        try
        {
            if (settings.MinUploadAge is { } minAge)
            {
                var initiated = options.KnownInitiated ?? await FindInitiatedAsync(upload, ct).ConfigureAwait(false);
                if (initiated is null)
                {
                    // Not listed: gone or missed by the listing; its age is unknown, so never abort it.
                    step = "ListParts";
                    var census = await PartsCensus.TakeAsync(store, upload, ct).ConfigureAwait(false);
                    return census.Exists
                        ? Result(request, AbortOutcome.Rejected, 0, census.Parts, $"MIN_UPLOAD_AGE is set but ListMultipartUploads does not show this upload (or not when it began), so its age is unknown; left alone")
                        : Result(request, AbortOutcome.AlreadyGone, 0, 0, "no such upload (not listed; ListParts confirms it is gone)");
                }
                if (initiated is { } at && time.GetUtcNow() - at < minAge)
                    return Result(
                        request,
                        AbortOutcome.Rejected,
                        0,
                        0,
                        $"upload was initiated at {at.UtcDateTime:u}, less than MIN_UPLOAD_AGE ({IsoDuration.Format(minAge)}) ago; left alone"
                    );
            }

            step = "ListParts";
            // The probe tells an upload that never existed (some servers answer 200 to its abort) and the bytes reclaimed.
            var before = await PartsCensus.TakeAsync(store, upload, ct).ConfigureAwait(false);
            if (options.SettleOnProbe && !before.Exists)
                return Result(request, AbortOutcome.AlreadyGone, 0, 0, "no such upload (completed or aborted already); ListParts confirms it is gone");

            // A part landing after this probe is what verify and re-abort are for.
            if (request.MinIdle is { } idle && before is { Exists: true } probed)
            {
                step = "ListMultipartUploads";
                var activeAt = probed.NewestPart ?? options.KnownInitiated ?? await FindInitiatedAsync(upload, ct).ConfigureAwait(false);
                var now = time.GetUtcNow();
                // No part time and not listed: activity unknown, so taken as active now.
                staleBy.Rule = AbortResult.StaleByMinIdle;
                if (PartsCensus.IsActive(activeAt, now, idle))
                {
                    var began = options.MaxAge is null ? null : probed.NewestPart is null ? activeAt : options.KnownInitiated ?? await FindInitiatedAsync(upload, ct).ConfigureAwait(false);
                    var capAt = options.MaxAge is { } cap && began is { } b ? TimeBounds.Add(b, cap) : (DateTimeOffset?)null;
                    if (capAt is { } reached && reached <= now)
                    {
                        staleBy.Rule = AbortResult.StaleByMaxUploadAge;
                        log.Log(LogLevel.Debug, $"{request}: active, but it began at {began!.Value.UtcDateTime:u}, more than MAX_UPLOAD_AGE ({IsoDuration.Format(options.MaxAge!.Value)}) ago; taken");
                    }
                    else
                    {
                        var what = activeAt is not { } at ? "when it was last active is unknown (no part time, not listed)"
                            : probed.NewestPart is null ? $"it began at {at.UtcDateTime:u}"
                            : $"its newest of {probed.Parts} parts landed at {at.UtcDateTime:u}";
                        var message = $"active: {what}, less than MIN_IDLE ({IsoDuration.Format(idle)}) ago; left alone";
                        var idleAt = (activeAt ?? now) + idle;
                        return Result(request, AbortOutcome.Active, 0, 0, message) with { IdleAt = capAt is { } c && c < idleAt ? c : idleAt };
                    }
                }
            }

            if (options.DryRun || settings.DryRun)
            {
                return before.Exists
                    ? Result(request, AbortOutcome.WouldAbort, 0, before.Parts, $"dry run: would abort ({before.Parts} parts, {before.Bytes} bytes); nothing changed") with { BytesReclaimed = 0 }
                    : Result(request, AbortOutcome.AlreadyGone, 0, 0, "dry run: no such upload");
            }

            var abortSaidGone = false;
            PartsCensus after = default;
            for (var round = 0; round <= settings.ImmediateReaborts; round++)
            {
                if (round > 0)
                    await Task.Delay(settings.ReabortBackoff * Math.Pow(2, round - 1), time, ct).ConfigureAwait(false);
                step = "AbortMultipartUpload";
                abortCalls++;
                var status = await store.AbortAsync(upload, ct).ConfigureAwait(false);
                if (round == 0)
                    abortSaidGone = status == StoreStatus.NoSuchUpload;
                step = "ListParts";
                after = await PartsCensus.TakeAsync(store, upload, ct).ConfigureAwait(false);
                if (after.IsClean)
                {
                    if (abortSaidGone || !before.Exists)
                        return Result(request, AbortOutcome.AlreadyGone, abortCalls, 0, "no such upload; ListParts confirms it is gone");
                    var message = abortCalls == 1
                        ? "aborted; ListParts confirms no part remains"
                        : $"aborted after {abortCalls} abort calls (parts landed after the first); ListParts confirms no part remains";
                    return Result(request, AbortOutcome.Aborted, abortCalls, 0, message) with { BytesReclaimed = before.Bytes };
                }
                log.Log(LogLevel.Debug, $"{after.Parts} parts remain after abort call {abortCalls} of {request}");
            }

            var why = $"{after.Parts} parts remain after {abortCalls} abort calls";
            return await RequeueOrDeadLetterAsync(request, abortCalls, after.Parts, why, settings.RetryDelayFor(request.Attempt), invocation).ConfigureAwait(false);
        }
        catch (StoreException ex)
        {
            // NoSuchBucket is permanent (a typo, wrong endpoint or region): dead-lettered naming it, never already-gone.
            if (!ex.IsTransient)
                return await DeadLetterAsync(request, abortCalls, 0, $"{ex.Message} (not retryable)", invocation).ConfigureAwait(false);
            if (invocation.Queues.Retry is not null)
                return await RequeueOrDeadLetterAsync(request, abortCalls, 0, ex.Message, settings.RetryDelayFor(request.Attempt), invocation).ConfigureAwait(false);
            return Result(request, AbortOutcome.Failed, abortCalls, 0, $"{ex.Message} (transient; retries exhausted)");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var why = $"the invocation's time ran out during {step}";
            if (invocation.Queues.Retry is not null && !invocation.Settle.IsCancellationRequested)
                return await RequeueOrDeadLetterAsync(request, abortCalls, 0, why, TimeSpan.Zero, invocation).ConfigureAwait(false);
            return Result(request, AbortOutcome.Failed, abortCalls, 0, $"cancelled: {why}");
        }
    }

    // The whole prefix: Ceph RGW lists "k name" before "k".
    internal IAsyncEnumerable<ListedUpload> UploadsOfKey(string bucket, string key, string? owner, CancellationToken ct) =>
        UploadLister.ListAsync(store, new UploadListing(bucket) { Prefix = key, ExpectedBucketOwner = owner }, ct).Where(u => u.Key == key);

    private async Task<DateTimeOffset?> FindInitiatedAsync(UploadRef upload, CancellationToken ct) =>
        (await UploadsOfKey(upload.Bucket, upload.Key, upload.ExpectedBucketOwner, ct).FirstOrDefaultAsync(u => u.UploadId == upload.UploadId, ct).ConfigureAwait(false))?.Initiated;

    private async Task<AbortResult> RequeueOrDeadLetterAsync(AbortRequest request, int abortCalls, int partsRemaining, string why, TimeSpan delay, Invocation invocation)
    {
        var nextAttempt = request.Attempt + 1;
        if (nextAttempt >= settings.MaxAttempts)
            return await DeadLetterAsync(request, abortCalls, partsRemaining, $"{why} on attempt {nextAttempt} of {settings.MaxAttempts}", invocation).ConfigureAwait(false);
        // After an abort call a new part is a late part to abort, not activity; before one the check is still owed.
        var next = request with { Attempt = nextAttempt, Reason = why, MinIdle = abortCalls == 0 ? request.MinIdle : null };
        if (await invocation.Queues.Retry.TrySendAsync(EnvironmentVariables.RetryQueueUrl, MessageJson.AbortRequest(next), delay, invocation.Settle).ConfigureAwait(false) is { } problem)
            return Result(request, AbortOutcome.Failed, abortCalls, partsRemaining, $"{why}; re-queue failed: {problem}");
        return Result(
            request,
            AbortOutcome.Requeued,
            abortCalls,
            partsRemaining,
            $"{why}; re-queued as attempt {nextAttempt} in {delay.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s"
        );
    }

    private async Task<AbortResult> DeadLetterAsync(AbortRequest request, int abortCalls, int partsRemaining, string why, Invocation invocation)
    {
        var body = MessageJson.AbortRequest(request with { Reason = why });
        if (await invocation.Queues.DeadLetter.TrySendAsync(EnvironmentVariables.DeadLetterQueueUrl, body, TimeSpan.Zero, invocation.Settle).ConfigureAwait(false) is { } problem)
            return Result(request, AbortOutcome.Failed, abortCalls, partsRemaining, $"{why}; dead-letter failed: {problem}");
        return Result(request, AbortOutcome.DeadLettered, abortCalls, partsRemaining, $"{why}; dead-lettered");
    }

    private static AbortResult Result(AbortRequest r, AbortOutcome outcome, int abortCalls, int partsRemaining, string message) =>
        new(r.Bucket, r.Key, r.UploadId, outcome, r.Attempt, abortCalls, partsRemaining, message);
}
