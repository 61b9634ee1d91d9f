using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Core.Handlers;

/// <summary>
/// A CloudEvent (IBM Code Engine subscriptions): signed with <c>X-Signature</c> like any webhook, unless the operator
/// says the host is private (CLOUDEVENTS_TRUSTED). A scheduled tick runs the SWEEP_TARGETS sweeps and then drains the
/// retry ledger. The answer is 2xx only once the work is done: Knative retries a failed delivery a few times.
/// </summary>
public sealed class CloudEventHandler(RequestRunner requests, Settings settings, StructuredLogger log, RefusalLog refusals, TimeProvider time, IRetryDrain? retryDrain)
{
    public async Task<HttpAnswer> HandleAsync(CloudEventDelivery delivery, string? signatureHeader, byte[] rawBody, InvocationContext context, CancellationToken ct)
    {
        if (CallerTrust.Refusal(settings, signatureHeader, rawBody, time.GetUtcNow()) is { } problem)
        {
            refusals.Refused($"CloudEvent {delivery.Type} from {delivery.Source} refused: {problem}");
            return HttpAnswer.Refused(401, problem);
        }
        var payload = delivery.ToPayload();
        log.Log(LogLevel.Information, $"CloudEvent {delivery.Type} from {delivery.Source} (id {delivery.Id}): {Describe(payload)}");
        InvocationResult result;
        try
        {
            result = payload is ScheduledSweepPayload scheduled
                ? await RunScheduledAsync(scheduled, context, ct).ConfigureAwait(false)
                : await requests.RunAsync(payload, AbortOptions.Direct, context, null, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StoreException or QueueException)
        {
            // The ledger itself could not be read or written: answer 5xx so that the subscription delivers the tick again.
            log.Log(LogLevel.Error, $"CloudEvent {delivery.Type} from {delivery.Source} failed: {ex.Message}");
            return HttpAnswer.Refused(503, $"the retry ledger failed: {ex.Message}");
        }
#pragma warning disable CA1031 // The last line of defence of the tick and every CloudEvent: a bug is one Critical line and a 500 naming the event.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            log.Log(LogLevel.Critical, $"CloudEvent {delivery.Type} from {delivery.Source} (id {delivery.Id}) failed unexpectedly: {ex.GetType().Name}: {ex.Message} (please report this)", ex);
            return HttpAnswer.Refused(500, $"internal error: CloudEvent {delivery.Id} failed unexpectedly; please report it with that id");
        }
        return HttpAnswer.Ran(payload, result);
    }

    /// <summary>The configured sweeps, then the due ledger entries; a tick with neither configured is a rejection naming both.</summary>
    private async Task<InvocationResult> RunScheduledAsync(ScheduledSweepPayload scheduled, InvocationContext context, CancellationToken ct)
    {
        if (retryDrain is null || settings.SweepTargets.Count > 0)
        {
            var swept = await requests.RunAsync(scheduled, AbortOptions.Direct, context, null, ct).ConfigureAwait(false);
            if (retryDrain is null)
                return swept;
            var drained = await retryDrain.DrainAsync(context, ct).ConfigureAwait(false);
            var counts = new OutcomeCounts();
            counts.Add(swept.Summary);
            counts.Add(drained.Summary);
            return new InvocationResult([.. swept.Results, .. drained.Results], counts) { Sweeps = [.. swept.Sweeps, .. drained.Sweeps] };
        }
        return await retryDrain.DrainAsync(context, ct).ConfigureAwait(false);
    }

    private static string Describe(RequestPayload payload) =>
        payload switch
        {
            ScheduledSweepPayload => "a scheduled tick: configured sweeps, then the retry ledger",
            UploadsPayload u => $"{u.Items.Count} upload(s)",
            SweepPayload s => $"a sweep of {s.Sweep}",
            InvalidPayload i => $"malformed: {i.Rejection.Message}",
            _ => payload.GetType().Name,
        };
}
