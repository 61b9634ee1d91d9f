namespace MultipartAbort.Core.Handlers;

/// <summary>Every door a host opens: the host reads bytes and headers, calls one of these, and writes the answer.</summary>
public static class HostDoors
{
    public const string SignatureHeader = WebhookSignature.HeaderName;

    public const string MetricsScheme = MetricsAccess.Scheme;

    /// <summary>Work still running this close to a platform's deadline is cancelled, so the answer is posted in time.</summary>
    public static readonly TimeSpan ResponseReserve = TimeSpan.FromMilliseconds(500);

    /// <summary>A raw event with the platform's deadline (the Lambda event).</summary>
    public static async Task<EventAnswer> InvokeAsync(this FunctionServices services, ReadOnlyMemory<byte> eventJson, DateTimeOffset? deadline, CancellationToken ct)
    {
        using var answerBy = AnswerBy(deadline, services.Time);
        using var settle = CancellationTokenSource.CreateLinkedTokenSource(answerBy.Token, ct);
        using var invocation = services.Begin(deadline, settle.Token);
        return await services.Events.HandleAsync(eventJson, invocation).ConfigureAwait(false);
    }

    /// <summary><c>POST /</c>: a CloudEvent when the host read one, else a webhook; <paramref name="received"/>: when the request came in.</summary>
    public static async Task<HttpAnswer> PostAsync(this FunctionServices services, string method, string? signature, byte[] body, CloudEventDelivery? cloudEvent, DateTimeOffset received)
    {
        // Not the client's connection (a started abort is finished and verified) but HTTP_REQUEST_TIMEOUT, so sweeps answer in time.
        var (answerBy, source) = RequestDeadline(received, services.Settings.HttpRequestTimeout, services.Time);
        using var deadline = source;
        using var invocation = services.Begin(answerBy, deadline.Token);
        return await services.Webhooks.HandleAsync(method, signature, body, cloudEvent, invocation).ConfigureAwait(false);
    }

    /// <summary>A request's timeout counted from its arrival, so the time spent reading its body counts.</summary>
    internal static (DateTimeOffset At, CancellationTokenSource Source) RequestDeadline(DateTimeOffset received, TimeSpan timeout, TimeProvider time)
    {
        var at = received + timeout;
        return (at, new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(0, (at - time.GetUtcNow()).Ticks)), time));
    }

    /// <summary>OpenWhisk's <c>/run</c>: the parameters in <c>value</c>; the activation's deadline bounds the work.</summary>
    public static async Task<HttpAnswer> RunActivationAsync(this FunctionServices services, string? signature, byte[] body)
    {
        var (settings, log, time) = (services.Settings, services.Log, services.Time);
        if (WebhookSignature.CallerRefusal(settings, signature, body, time.GetUtcNow()) is { } problem)
        {
            services.Refusals.Refused($"OpenWhisk activation refused: {problem}");
            return HttpAnswer.Refused(401, problem);
        }
        OpenWhiskActivation? activation;
        try
        {
            activation = JsonSerializer.Deserialize(body, OpenWhiskJsonContext.Default.OpenWhiskActivation);
        }
        catch (JsonException ex)
        {
            return HttpAnswer.Refused(400, $"the /run body is not an OpenWhisk activation: {ex.Message}");
        }
        if (activation is null || activation.Value.ValueKind != JsonValueKind.Object)
            return HttpAnswer.Refused(400, "the /run body must be an object whose value is the action's parameters (a JSON object)");
        var (deadline, deadlineProblem) = activation.ReadDeadline();
        if (deadlineProblem is not null)
            return HttpAnswer.Refused(400, deadlineProblem);
        log.Context = log.Context with
        {
            FunctionName = activation.ActionName ?? log.Context.FunctionName,
            FunctionRequestId = activation.ActivationId ?? log.Context.FunctionRequestId,
        };

        if (EventDecoder.Decode(activation.Value) is not PayloadEvent { Payload: var payload })
            return HttpAnswer.Refused(400, "an action's parameters are a request (abort request, batch, sweep, EventBridge or CloudEvent envelope), not an SQS batch or an HTTP proxy event");
        if (payload is InvalidPayload invalid)
        {
            log.Outcome(invalid.Rejection);
            return HttpAnswer.Refused(400, invalid.Rejection.Message) with { Result = Model.InvocationResult.From([invalid.Rejection]) };
        }
        using var answerBy = AnswerBy(deadline, time);
        if (answerBy.IsCancellationRequested)
            return HttpAnswer.Refused(503, "the activation's deadline has already passed");
        using var invocation = services.Begin(deadline, answerBy.Token);
        try
        {
            return HttpAnswer.Ran(payload, await services.Requests.RunAsync(payload, AbortOptions.Direct, invocation).ConfigureAwait(false), withError: true);
        }
        catch (OperationCanceledException) when (answerBy.IsCancellationRequested)
        {
            log.Log(LogLevel.Error, $"activation {activation.ActivationId}: the deadline arrived before the work finished");
            return HttpAnswer.Refused(504, "the activation's deadline arrived before the work finished; what was not settled is as it was, and the request can be sent again");
        }
    }

    /// <summary>Null when the scrape may read <c>/metrics</c> (which names buckets); a refusal is logged, sampled.</summary>
    public static string? MetricsRefusal(this FunctionServices services, string? authorization)
    {
        var problem = MetricsAccess.Refusal(services.Settings, authorization);
        if (problem is not null)
            services.Refusals.Refused($"metrics scrape refused: {problem}");
        return problem;
    }

    // Cancelled ResponseReserve before the deadline (at once when that has passed; never without one), on TimeProvider so tests move time.
    internal static CancellationTokenSource AnswerBy(DateTimeOffset? deadline, TimeProvider time)
    {
        if (deadline - time.GetUtcNow() - ResponseReserve is not { } left)
            return new CancellationTokenSource();
        if (left > TimeSpan.Zero)
            return new CancellationTokenSource(left, time);
        var passed = new CancellationTokenSource();
        passed.Cancel();
        return passed;
    }
}
