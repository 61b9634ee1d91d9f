using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Http.Endpoints;

/// <summary>
/// <c>POST /</c>: a CloudEvent (either mode) goes to the core's CloudEvent handler, anything else is a webhook and goes
/// through the very code the Lambda Function URL uses (<see cref="WebhookHandler"/>: X-Signature first, fail closed).
/// </summary>
public static class RootEndpoint
{
    /// <param name="timeout">HTTP_REQUEST_TIMEOUT: how long a request may work before it answers.</param>
    public static void MapRootEndpoint(this IEndpointRouteBuilder app, CloudEventHandler cloudEvents, WebhookHandler webhooks, TimeSpan timeout, OutcomeMetrics metrics, TimeProvider time)
    {
        app.MapPost("/", async (HttpContext http) =>
        {
            // The work is not tied to the client's connection: an abort that has started is finished and verified even if
            // the caller gives up (it is idempotent, and half-done work would only be re-queued later). It is tied to
            // the request's deadline (HTTP_REQUEST_TIMEOUT), as a Lambda invocation is to its own: sweeps and the ledger
            // drain stop in time to write their continuations and answer before the platform cuts the request.
            var context = new InvocationContext(time.GetUtcNow() + timeout);
            using var deadline = new CancellationTokenSource(timeout, time);
            var ct = deadline.Token;
            var (body, refusal) = await RequestBody.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (refusal is not null)
                return refusal;
            var signature = http.Request.Headers[WebhookSignature.HeaderName].FirstOrDefault();

            HttpAnswer answer;
            if (CloudEventReader.IsCloudEvent(http.Request))
            {
                var (delivery, problem) = CloudEventReader.Read(http.Request, body!);
                if (delivery is null)
                    return RequestBody.Json(StatusCodes.Status400BadRequest, ResultJson.Error(problem!));
                answer = await cloudEvents.HandleAsync(delivery, signature, body!, context, ct).ConfigureAwait(false);
            }
            else
            {
                answer = await webhooks.HandleAsync(http.Request.Method, signature, body!, context, ct).ConfigureAwait(false);
            }
            metrics.Add(answer.Result);
            return RequestBody.Json(answer.Status, answer.Body);
        });
    }
}
