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
public sealed class RequestRunner(AbortWorkflow workflow, SweepRunner sweeps, UploadTimer timers, Settings settings, StructuredLogger log)
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

            case UploadStartedPayload started:
                return InvocationResult.From(await timers.ArmAsync(started.Start, options, ct).ConfigureAwait(false));

            case UploadFinishedPayload finished:
                log.Log(LogLevel.Information, finished.Description);
                return InvocationResult.From([]);

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
                var targets = settings.SweepTargets.Select(t => new SweepRequest(t.Bucket, t.OlderThan) { Prefix = t.Prefix, FanOut = t.Shards }).ToArray();
                return await RunSweepsAsync(targets, context, progress, ct).ConfigureAwait(false);
            }

            default:
                throw new InvalidOperationException($"unhandled payload {payload.GetType().Name}");
        }
    }

    private async Task<AbortResult[]> RunUploadsAsync(IReadOnlyList<ParsedUpload> items, AbortOptions options, CancellationToken ct)
    {
        // A timer (notBefore, or a key named by time) may answer for several uploads of its key, hence a list per item.
        var results = new IReadOnlyList<AbortResult>[items.Count];
        await Parallel
            .ForAsync(
                0,
                results.Length,
                new ParallelOptions { MaxDegreeOfParallelism = settings.SweepConcurrency, CancellationToken = ct },
                async (i, token) =>
                {
                    if (items[i].Rejection is { } rejection)
                    {
                        log.Outcome(rejection);
                        results[i] = [rejection];
                    }
                    else if (items[i].Request is { } request && (request.NotBefore is not null || request.NamesKeyOnly))
                        results[i] = await timers.RunAsync(request, options, token).ConfigureAwait(false);
                    else
                        results[i] = [await workflow.RunAsync(items[i].Request!, options, token).ConfigureAwait(false)];
                }
            )
            .ConfigureAwait(false);
        return results.SelectMany(r => r).ToArray();
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
