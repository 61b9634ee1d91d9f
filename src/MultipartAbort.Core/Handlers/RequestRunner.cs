namespace MultipartAbort.Core.Handlers;

/// <summary>Runs one request, whatever carried it: uploads, a sweep, a report, or the tick.</summary>
internal sealed class RequestRunner(
    AbortWorkflow workflow,
    DeferredUploads deferrals,
    SweepRunner sweeps,
    UploadTimer timers,
    ReportRunner reports,
    Settings settings,
    StructuredLogger log,
    TimeProvider time,
    StoreCallLimiter concurrency
)
{
    // Set once at composition: the drain runs entries through this runner.
    internal IRetryDrain? RetryDrain { get; set; }

    internal IObjectWriter? PageWriter { get; set; }

    private const double DrainShare = 0.5;

    private const double ReportReserve = 0.25;

    public async Task<InvocationResult> RunAsync(RequestPayload payload, AbortOptions options, Invocation invocation)
    {
        switch (payload)
        {
            case InvalidPayload invalid:
                log.Outcome(invalid.Rejection);
                return InvocationResult.From([invalid.Rejection]);

            case UploadsPayload uploads:
                return InvocationResult.From(await RunUploadsAsync(uploads.Items, options, invocation).ConfigureAwait(false));

            case UploadStartedPayload started:
                return InvocationResult.From(await timers.ArmAsync(started.Start, options, invocation).ConfigureAwait(false));

            case UploadFinishedPayload finished:
                log.Log(LogLevel.Information, finished.Description);
                return InvocationResult.From([]);

            case SweepPayload sweep:
                return await sweeps.SweepAsync(sweep.Sweep, invocation).ConfigureAwait(false);

            case ReportPayload report:
                return await ReportAsync(report.Report, InvocationResult.From([]), invocation).ConfigureAwait(false);

            case ScheduledSweepPayload tick:
                return await TickAsync(tick, invocation).ConfigureAwait(false);

            default:
                throw new InvalidOperationException($"unhandled payload {payload.GetType().Name}");
        }
    }

    // The drain stops at half the time to the soft deadline, the sweeps at a quarter left, so nothing starves.
    private async Task<InvocationResult> TickAsync(ScheduledSweepPayload tick, Invocation invocation)
    {
        // A ledger entry never drains the ledger it came from.
        var ledger = invocation.IsLedgerEntry ? null : RetryDrain;
        var sweepsOrReport = settings.SweepTargets.Count > 0 || settings.ReportTargets.Count > 0;
        if (ledger is null && !sweepsOrReport)
        {
            var nothing = $"a tick (source {tick.Source ?? "unknown"}) arrived but none of {EnvironmentVariables.SweepTargets}, {EnvironmentVariables.ReportTargets} or a cos:// {EnvironmentVariables.RetryQueueUrl} is set, so there is nothing to do";
            var rejection = AbortResult.Rejected(null, null, null, 0, nothing);
            log.Outcome(rejection);
            return InvocationResult.From([rejection]);
        }
        var start = time.GetUtcNow();
        var softDeadline = invocation.Remaining is { } left ? start + left - invocation.Reserve : (DateTimeOffset?)null;
        DateTimeOffset? At(double share) => softDeadline is { } end ? start + (end - start) * share : null;

        var results = new List<AbortResult>();
        var counts = new OutcomeCounts();
        var skipped = new List<string>();
        RetryLedgerDrainResult? drained = null;
        if (ledger is not null)
        {
            try
            {
                using var drainShare = invocation.Until(sweepsOrReport ? At(DrainShare) : null);
                var drain = await ledger.DrainAsync(drainShare).ConfigureAwait(false);
                results.AddRange(drain.Results);
                counts.Add(drain.Summary);
                drained = drain.Drain;
                if (drained?.StoppedEarly == true)
                    skipped.Add("retry ledger: deadline; the due entries not taken wait for the next tick");
            }
            catch (Exception ex) when (ex is QueueException or StoreException)
            {
                // The rest still runs; the failed drain makes the answer a 5xx so the tick is sent again.
                var failure = new AbortResult("", "", "", AbortOutcome.Failed, 0, 0, 0, $"the retry ledger could not be drained: {ex.Message}");
                log.Outcome(failure);
                results.Add(failure);
                counts.Add(failure);
                skipped.Add($"retry ledger: {ex.Message}");
            }
        }

        IReadOnlyList<SweepSummary> swept = [];
        if (settings.SweepTargets.Count > 0)
        {
            using var sweepShare = invocation.Until(settings.ReportTargets.Count > 0 ? At(1 - ReportReserve) : null);
            var templates = settings.SweepTargets.Select(t => new SweepRequest(t.Bucket, t.OlderThan) { Prefix = t.Prefix, FanOut = t.Shards });
            var fleet = await sweeps.SweepFleetAsync(templates, EnvironmentVariables.SweepTargets, sweepShare).ConfigureAwait(false);
            results.AddRange(fleet.Results);
            counts.Add(fleet.Summary);
            swept = fleet.Sweeps;
        }

        var answer = new InvocationResult(results, counts) { Sweeps = swept, Drain = drained };
        if (settings.ReportTargets.Count > 0)
        {
            if (invocation.StopTaking)
            {
                // Nothing half-read reaches the gauges.
                skipped.Add("report: deadline; the metrics keep the last report's figures");
                log.Log(LogLevel.Warning, "the tick's time ran out before the report; the next tick reports");
            }
            else
            {
                // After the sweeps, so the figures are what still costs money.
                var request = new ReportRequest
                {
                    Buckets = [.. settings.ReportTargets.Where(t => t != "*")],
                    AllBuckets = settings.ReportTargets.Contains("*"),
                    Depth = settings.ReportDepth,
                    By = settings.ReportBy,
                };
                answer = await ReportAsync(request, answer, invocation).ConfigureAwait(false);
            }
        }
        return answer with { Skipped = skipped };
    }

    private async Task<AbortResult[]> RunUploadsAsync(IReadOnlyList<ParsedUpload> items, AbortOptions options, Invocation invocation)
    {
        // A timer may answer for several uploads of its key, hence a list per item.
        var results = new IReadOnlyList<AbortResult>[items.Count];
        var started = await StoreCallLimiter
            .ForEachIndexAsync(items.Count, concurrency.MaxConcurrency, () => invocation.StopTaking, async i => results[i] = await RunOneAsync(items[i], options, invocation).ConfigureAwait(false))
            .ConfigureAwait(false);
        if (started < items.Count)
        {
            log.Log(LogLevel.Warning, $"the invocation's time ran low after {started} of {items.Count} uploads; passing the rest on through the retry queue");
            var passOn = new List<int>();
            for (var i = started; i < items.Count; i++)
            {
                if (items[i].Rejection is { } rejection)
                {
                    log.Outcome(rejection);
                    results[i] = [rejection];
                }
                else
                    passOn.Add(i);
            }
            var passed = await deferrals.PassOnAsync([.. passOn.Select(i => items[i].Request!)], invocation).ConfigureAwait(false);
            for (var j = 0; j < passOn.Count; j++)
                results[passOn[j]] = [passed[j]];
        }
        return results.SelectMany(r => r).ToArray();
    }

    private async Task<IReadOnlyList<AbortResult>> RunOneAsync(ParsedUpload item, AbortOptions options, Invocation invocation)
    {
        if (item.Rejection is { } rejection)
        {
            log.Outcome(rejection);
            return [rejection];
        }
        var request = item.Request!;
        // An upload with no lease by the soft deadline was not started: pass it on, and still settle its batch.
        try
        {
            await concurrency.AcquireAsync(invocation.Work).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (invocation.Work.IsCancellationRequested)
        {
            return [await workflow.DeferAsync(request, invocation).ConfigureAwait(false)];
        }
        if (invocation.StopTaking)
        {
            concurrency.Release();
            return [await workflow.DeferAsync(request, invocation).ConfigureAwait(false)];
        }
        try
        {
            if (request.NotBefore is not null || request.NamesKeyOnly)
                return await timers.RunAsync(request, options, invocation).ConfigureAwait(false);
            return [await workflow.RunAsync(request, options, invocation).ConfigureAwait(false)];
        }
        finally
        {
            concurrency.Release();
        }
    }

    private async Task<InvocationResult> ReportAsync(ReportRequest request, InvocationResult before, Invocation invocation)
    {
        var report = await reports.RunAsync(request, invocation).ConfigureAwait(false);
        var totals = report.Totals.Total;
        log.Log(
            report.Complete ? LogLevel.Information : LogLevel.Warning,
            $"report of {report.Buckets.Count} bucket(s): {totals.Uploads} incomplete uploads, {totals.Parts} parts, {totals.Bytes} bytes"
                + string.Concat(report.Buckets.Where(b => b.Error is not null).Select(b => $"; {b.Bucket}: {b.Error}"))
        );
        if (settings.ReportHtml is { } page)
            await WritePageAsync(report, page, invocation).ConfigureAwait(false);
        return before with { Report = report };
    }

    // A page that cannot be written is logged as an error; the report still answers.
    private async Task WritePageAsync(IncompleteUploadReport report, ObjectUrl page, Invocation invocation)
    {
        if (PageWriter is null)
        {
            log.Log(LogLevel.Error, $"{EnvironmentVariables.ReportHtmlUrl} is set but this store cannot write objects: no page written to {page}");
            return;
        }
        try
        {
            var html = System.Text.Encoding.UTF8.GetBytes(ReportHtml.Render(report, ReportHtml.EndpointName(settings)));
            await PageWriter.PutObjectAsync(page.Bucket, page.Key, html, "text/html; charset=utf-8", invocation.Work).ConfigureAwait(false);
            log.Log(LogLevel.Information, $"report page written to {page} ({html.Length} bytes)");
        }
        catch (StoreException ex)
        {
            log.Log(LogLevel.Error, $"the report page could not be written to {page} (it needs s3:PutObject on it): {ex.Message}");
        }
        catch (OperationCanceledException) when (invocation.Work.IsCancellationRequested)
        {
            log.Log(LogLevel.Warning, $"the invocation's time ran out before the report page was written to {page}; the next report writes it");
        }
    }
}
