namespace MultipartAbort.Core.Handlers;

/// <summary>A POST: a webhook (<c>X-Signature</c> before the body is read; no secret fails closed) or a CloudEvent (signed unless CLOUDEVENTS_TRUSTED; 2xx once done: Knative retries).</summary>
internal sealed class WebhookHandler(RequestRunner requests, Settings settings, StructuredLogger log, RefusalLog refusals, TimeProvider time)
{
    public async Task<HttpAnswer> HandleAsync(string method, string? signatureHeader, byte[] rawBody, CloudEventDelivery? cloudEvent, Invocation invocation)
    {
        if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
            return HttpAnswer.Refused(405, $"method {method} is not allowed; POST a JSON request");
        var problem = cloudEvent is null
            ? WebhookSignature.Verify(signatureHeader, rawBody, settings.WebhookSecret?.Reveal(), time.GetUtcNow(), settings.WebhookTolerance)
            : WebhookSignature.CallerRefusal(settings, signatureHeader, rawBody, time.GetUtcNow());
        if (problem is not null)
        {
            refusals.Refused(cloudEvent is null ? $"webhook refused: {problem}" : $"CloudEvent {cloudEvent.Type} from {cloudEvent.Source} refused: {problem}");
            return HttpAnswer.Refused(401, problem);
        }
        var payload = cloudEvent?.ToPayload() ?? EventDecoder.DecodeBody(rawBody);
        if (cloudEvent is not null)
            log.Log(LogLevel.Information, $"CloudEvent {cloudEvent.Type} from {cloudEvent.Source} (id {cloudEvent.Id}): {Describe(payload)}");
        InvocationResult result;
        try
        {
            result = await requests.RunAsync(payload, AbortOptions.Direct, invocation).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last line of defence of the tick and every CloudEvent: a bug is one Critical line and a 500 naming the event.
        catch (Exception ex) when (cloudEvent is not null && !(ex is OperationCanceledException && invocation.Settle.IsCancellationRequested))
#pragma warning restore CA1031
        {
            log.Log(LogLevel.Critical, $"CloudEvent {cloudEvent.Type} from {cloudEvent.Source} (id {cloudEvent.Id}) failed unexpectedly: {ex.GetType().Name}: {ex.Message} (please report this)", ex);
            return HttpAnswer.Refused(500, $"internal error: CloudEvent {cloudEvent.Id} failed unexpectedly; please report it with that id");
        }
        return HttpAnswer.Ran(payload, result);
    }

    // A Lambda Function URL or API Gateway request.
    internal Task<HttpAnswer> HandleProxyAsync(HttpProxyEvent request, Invocation invocation)
    {
        byte[] body;
        try
        {
            body = request.IsBase64Encoded ? Convert.FromBase64String(request.Body ?? "") : Encoding.UTF8.GetBytes(request.Body ?? "");
        }
        catch (FormatException)
        {
            return Task.FromResult(HttpAnswer.Refused(400, "the body is marked base64 but is not valid base64"));
        }
        return HandleAsync(request.Method, request.Header(WebhookSignature.HeaderName), body, null, invocation);
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
