using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Workflow;

namespace MultipartAbort.Core.Handlers;

/// <summary>
/// Runs what one request asks for, whatever carried it (direct invoke, EventBridge detail, CloudEvent data, OpenWhisk
/// value, an SQS body, a webhook body): uploads concurrently with their order kept, a sweep, or the configured sweeps.
/// </summary>
public sealed class RequestRunner(AbortWorkflow workflow, SweepRunner sweeps, Settings settings, StructuredLogger log, ConcurrencyLimiter concurrency)
{
    public async Task<InvocationResult> RunAsync(RequestPayload payload, AbortOptions options, InvocationContext context, IProgress<SweepProgress>? progress, CancellationToken ct)
    {
        switch (payload)
        {
            case InvalidPayload invalid:
                log.Outcome(invalid.Rejection);
                return InvocationResult.From([invalid.Rejection]);

            case UploadsPayload uploads:
                return InvocationResult.From(await RunUploadsAsync(uploads.Items, options, ct).ConfigureAwait(false));

            case SweepPayload sweep:
                return await RunSweepsAsync([sweep.Sweep], context, progress, ct).ConfigureAwait(false);

            case ScheduledSweepPayload scheduled:
            {
                if (settings.SweepTargets.Count == 0)
                {
                    var rejection = AbortResult.Rejected(null, null, null, 0, $"a scheduled event (source {scheduled.Source ?? "unknown"}) arrived but SWEEP_TARGETS is not set, so there is nothing to sweep");
                    log.Outcome(rejection);
                    return InvocationResult.From([rejection]);
                }
                var targets = settings.SweepTargets.Select(t => new SweepRequest(t.Bucket, t.OlderThan) { Prefix = t.Prefix }).ToArray();
                return await RunSweepsAsync(targets, context, progress, ct).ConfigureAwait(false);
            }

            default:
                throw new InvalidOperationException($"unhandled payload {payload.GetType().Name}");
        }
    }

    private async Task<AbortResult[]> RunUploadsAsync(IReadOnlyList<ParsedUpload> items, AbortOptions options, CancellationToken ct)
    {
        var results = new AbortResult[items.Count];
        await Parallel
            .ForAsync(
                0,
                results.Length,
                new ParallelOptions { MaxDegreeOfParallelism = concurrency.MaxConcurrency, CancellationToken = ct },
                async (i, token) =>
                {
                    if (items[i].Rejection is { } rejection)
                    {
                        log.Outcome(rejection);
                        results[i] = rejection;
                        return;
                    }
                    await concurrency.AcquireAsync(token).ConfigureAwait(false);
                    try
                    {
                        results[i] = await workflow.RunAsync(items[i].Request!, options, token).ConfigureAwait(false);
                    }
                    finally
                    {
                        concurrency.Release();
                    }
                }
            )
            .ConfigureAwait(false);
        return results;
    }

    private async Task<InvocationResult> RunSweepsAsync(IReadOnlyList<SweepRequest> requests, InvocationContext context, IProgress<SweepProgress>? progress, CancellationToken ct)
    {
        var counts = new OutcomeCounts();
        var results = new List<AbortResult>();
        var summaries = new List<SweepSummary>();
        foreach (var sweep in requests)
        {
            var (summary, sweepCounts, notable) = await sweeps.RunAsync(sweep, context, progress, ct).ConfigureAwait(false);
            counts.Add(sweepCounts);
            results.AddRange(notable);
            summaries.Add(summary);
            log.Log(
                LogLevel.Information,
                $"sweep of {sweep}: listed {summary.Listed}, matched {summary.Matched}, aborted {summary.Aborted}, already gone {summary.AlreadyGone}, requeued {summary.Requeued}, failed {summary.Failed}"
            );
        }
        return new InvocationResult(results, counts) { Sweeps = summaries };
    }
}
