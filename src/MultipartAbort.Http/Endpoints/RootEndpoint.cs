using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Http.Endpoints;

/// <summary>
/// <c>POST /</c>: a CloudEvent goes to the CloudEvent handler; anything else is a webhook, through the same <see cref="WebhookHandler"/> as Lambda.
/// </summary>
public static class RootEndpoint
{
    /// <param name="timeout">HTTP_REQUEST_TIMEOUT: how long a request may work before it answers.</param>
    public static void MapRootEndpoint(this IEndpointRouteBuilder app, CloudEventHandler cloudEvents, WebhookHandler webhooks, TimeSpan timeout, OutcomeMetrics metrics, TimeProvider time)
    {
        app.MapPost("/", async (HttpContext http) =>
        {
            // Not tied to the client's connection (a started abort is finished and verified), but to HTTP_REQUEST_TIMEOUT,
            // so sweeps and drains stop in time to answer.
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
