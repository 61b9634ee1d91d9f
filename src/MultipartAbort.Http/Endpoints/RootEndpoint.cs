using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Core.Workflow;

namespace MultipartAbort.Http.Endpoints;

/// <summary>
/// <c>POST /</c>: a CloudEvent (either mode) goes to the core's CloudEvent handler, anything else is a webhook and goes
/// through the very code the Lambda Function URL uses (<see cref="WebhookHandler"/>: X-Signature first, fail closed).
/// </summary>
public static class RootEndpoint
{
    public static void MapRootEndpoint(this IEndpointRouteBuilder app, FunctionServices services, OutcomeMetrics metrics)
    {
        app.MapPost("/", async (HttpContext http) =>
        {
            // The work is not tied to the client's connection: an abort that has started is finished and verified even if
            // the caller gives up (it is idempotent, and half-done work would only be re-queued later).
            var ct = CancellationToken.None;
            var (body, refusal) = await RequestBody.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (refusal is not null)
                return refusal;
            var signature = http.Request.Headers[WebhookSignature.HeaderName].FirstOrDefault();

            WebhookAnswer answer;
            if (CloudEventReader.IsCloudEvent(http.Request))
            {
                var (delivery, problem) = CloudEventReader.Read(http.Request, body!);
                if (delivery is null)
                    return RequestBody.Json(StatusCodes.Status400BadRequest, WireJson.Error(problem!));
                answer = await services.CloudEvents.HandleAsync(delivery, signature, body!, InvocationContext.Unbounded, ct).ConfigureAwait(false);
            }
            else
            {
                answer = await services.Webhooks.HandleAsync(http.Request.Method, signature, body!, InvocationContext.Unbounded, ct).ConfigureAwait(false);
            }
            metrics.Add(answer.Result?.Summary);
            return RequestBody.Json(answer.Status, answer.Body);
        });
    }
}
