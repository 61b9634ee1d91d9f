using MultipartAbort.Core;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Http.Endpoints;

/// <summary>A CloudEvent goes to the CloudEvent handler; anything else is a webhook, as on Lambda.</summary>
public static class RootEndpoint
{
    public static void MapRootEndpoint(this IEndpointRouteBuilder app, FunctionServices services, OutcomeMetrics metrics)
    {
        var (time, timeout) = (services.Time, services.Settings.HttpRequestTimeout);
        app.MapPost("/", async (HttpContext http) =>
        {
            // Not the client's connection (a started abort is finished and verified) but HTTP_REQUEST_TIMEOUT, so sweeps answer in time.
            using var deadline = new CancellationTokenSource(timeout, time);
            using var invocation = services.Begin(time.GetUtcNow() + timeout, deadline.Token);
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
                answer = await services.CloudEvents.HandleAsync(delivery, signature, body!, invocation).ConfigureAwait(false);
            }
            else
            {
                answer = await services.Webhooks.HandleAsync(http.Request.Method, signature, body!, invocation).ConfigureAwait(false);
            }
            metrics.Add(answer.Result);
            return RequestBody.Json(answer.Status, answer.Body);
        });
    }
}
