namespace MultipartAbort.Core.Handlers;

/// <summary>A CloudEvent: signed with <c>X-Signature</c> unless CLOUDEVENTS_TRUSTED. 2xx only once done: Knative retries failures.</summary>
internal sealed class CloudEventHandler(RequestRunner requests, Settings settings, StructuredLogger log, RefusalLog refusals, TimeProvider time)
{
    public async Task<HttpAnswer> HandleAsync(CloudEventDelivery delivery, string? signatureHeader, byte[] rawBody, Invocation invocation)
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
            result = await requests.RunAsync(payload, AbortOptions.Direct, invocation).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last line of defence of the tick and every CloudEvent: a bug is one Critical line and a 500 naming the event.
        catch (Exception ex) when (!(ex is OperationCanceledException && invocation.Settle.IsCancellationRequested))
#pragma warning restore CA1031
        {
            log.Log(LogLevel.Critical, $"CloudEvent {delivery.Type} from {delivery.Source} (id {delivery.Id}) failed unexpectedly: {ex.GetType().Name}: {ex.Message} (please report this)", ex);
            return HttpAnswer.Refused(500, $"internal error: CloudEvent {delivery.Id} failed unexpectedly; please report it with that id");
        }
        return HttpAnswer.Ran(payload, result);
    }

    private static string Describe(RequestPayload payload) =>
        payload switch
        {
            ScheduledSweepPayload => "a tick: the retry ledger, the configured sweeps, the report",
            UploadsPayload u => $"{u.Items.Count} upload(s)",
            SweepPayload s => $"a sweep of {s.Sweep}",
            InvalidPayload i => $"malformed: {i.Rejection.Message}",
            _ => payload.GetType().Name,
        };
}
