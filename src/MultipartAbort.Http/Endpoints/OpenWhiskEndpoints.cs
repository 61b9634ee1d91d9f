using System.Text.Json;
using LogLevel = MultipartAbort.Core.Observability.LogLevel;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Http.Endpoints;

/// <summary>The OpenWhisk Docker action protocol; the activation's deadline bounds the work.</summary>
public static class OpenWhiskEndpoints
{
    /// <summary>Work still running this close to the deadline is cancelled, so the answer is posted in time.</summary>
    public static readonly TimeSpan ResponseReserve = TimeSpan.FromMilliseconds(500);

    public static void MapOpenWhiskEndpoints(this IEndpointRouteBuilder app, FunctionServices services, OutcomeMetrics metrics)
    {
        var (requests, settings, refusals, log, time) = (services.Requests, services.Settings, services.Refusals, services.Log, services.Time);
        app.MapPost("/init", () => Results.Text("{\"ok\":true}", "application/json"));

        app.MapPost("/run", async (HttpContext http) =>
        {
            var (body, refusal) = await RequestBody.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (refusal is not null)
                return refusal;
            if (CallerTrust.Refusal(settings, http.Request.Headers[WebhookSignature.HeaderName].FirstOrDefault(), body, time.GetUtcNow()) is { } problem)
            {
                refusals.Refused($"OpenWhisk activation refused: {problem}");
                return Error(StatusCodes.Status401Unauthorized, problem);
            }

            OpenWhiskActivation? activation;
            try
            {
                activation = JsonSerializer.Deserialize(body, HttpJsonContext.Default.OpenWhiskActivation);
            }
            catch (JsonException ex)
            {
                return Error(StatusCodes.Status400BadRequest, $"the /run body is not an OpenWhisk activation: {ex.Message}");
            }
            if (activation is null || activation.Value.ValueKind != JsonValueKind.Object)
                return Error(StatusCodes.Status400BadRequest, "the /run body must be an object whose value is the action's parameters (a JSON object)");
            var (deadline, deadlineProblem) = activation.ReadDeadline();
            if (deadlineProblem is not null)
                return Error(StatusCodes.Status400BadRequest, deadlineProblem);
            log.Context = log.Context with
            {
                FunctionName = activation.ActionName ?? log.Context.FunctionName,
                FunctionRequestId = activation.ActivationId ?? log.Context.FunctionRequestId,
            };

            if (EventDecoder.Decode(activation.Value) is not PayloadEvent { Payload: var payload })
                return Error(StatusCodes.Status400BadRequest, "an action's parameters are a request (abort request, batch, sweep, EventBridge or CloudEvent envelope), not an SQS batch or an HTTP proxy event");
            if (payload is InvalidPayload invalid)
            {
                log.Outcome(invalid.Rejection);
                metrics.Add(InvocationResult.From([invalid.Rejection]));
                return Error(StatusCodes.Status400BadRequest, invalid.Rejection.Message);
            }

            var budgetLeft = deadline - time.GetUtcNow() - ResponseReserve;
            if (budgetLeft <= TimeSpan.Zero)
                return Error(StatusCodes.Status503ServiceUnavailable, "the activation's deadline has already passed");
            // On TimeProvider, so tests move time instead of waiting.
            using var budget = budgetLeft is { } left ? new CancellationTokenSource(left, time) : new CancellationTokenSource();
            using var invocation = services.Begin(deadline, budget.Token);
            InvocationResult result;
            try
            {
                result = await requests.RunAsync(payload, AbortOptions.Direct, invocation).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested)
            {
                log.Log(LogLevel.Error, $"activation {activation.ActivationId}: the deadline arrived before the work finished");
                return Error(StatusCodes.Status504GatewayTimeout, "the activation's deadline arrived before the work finished; what was not settled is as it was, and the request can be sent again");
            }
            metrics.Add(result);
            // OpenWhisk reads "error" on a failed activation: the result goes beside it.
            var status = HttpAnswer.StatusOf(payload, result);
            return status == StatusCodes.Status200OK
                ? RequestBody.Json(status, ResultJson.ResultText(result))
                : RequestBody.Json(status, WithError($"{result.Summary[AbortOutcome.Failed]} upload(s) failed transiently; see result", result));
        });
    }

    private static IResult Error(int status, string message) => RequestBody.Json(status, ResultJson.Error(message));

    private static string WithError(string message, InvocationResult result)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WritePropertyName("result");
            json.WriteRawValue(ResultJson.Result(result), skipInputValidation: true);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
