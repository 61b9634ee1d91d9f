using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Security;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Http.Endpoints;

/// <summary><c>/healthz</c> is open (503 after SIGTERM); <c>/metrics</c> is guarded, as it names buckets.</summary>
public static class OperationsEndpoints
{
    public static void MapOperationsEndpoints(this IEndpointRouteBuilder app, OutcomeMetrics metrics, Settings settings, RefusalLog refusals, IHostApplicationLifetime lifetime)
    {
        app.MapGet("/healthz", () =>
            lifetime.ApplicationStopping.IsCancellationRequested
                ? Results.Json(new HealthStatus("stopping"), HttpJsonContext.Default.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new HealthStatus("ready"), HttpJsonContext.Default.HealthStatus));

        app.MapGet("/metrics", async (HttpContext http) =>
        {
            if (MetricsAccess.Refusal(settings, http.Request.Headers.Authorization.FirstOrDefault()) is { } problem)
            {
                refusals.Refused($"metrics scrape refused: {problem}");
                http.Response.Headers.WWWAuthenticate = $"{MetricsAccess.Scheme} realm=\"metrics\"";
                await RequestBody.Json(StatusCodes.Status401Unauthorized, ResultJson.Error(problem)).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
            http.Response.ContentType = OutcomeMetrics.ContentType;
            await metrics.WriteAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        });
    }
}
