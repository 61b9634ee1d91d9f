namespace MultipartAbort.Http.Endpoints;

/// <summary>
/// <c>GET /healthz</c> (readiness: 200 while serving, 503 once SIGTERM arrived) and <c>GET /metrics</c> (Prometheus text
/// format, which IBM Cloud Monitoring scrapes).
/// </summary>
public static class OperationsEndpoints
{
    public static void MapOperationsEndpoints(this IEndpointRouteBuilder app, OutcomeMetrics metrics, IHostApplicationLifetime lifetime)
    {
        app.MapGet("/healthz", () =>
            lifetime.ApplicationStopping.IsCancellationRequested
                ? Results.Json(new HealthStatus("stopping"), HttpJsonContext.Default.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new HealthStatus("ready"), HttpJsonContext.Default.HealthStatus));

        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = OutcomeMetrics.ContentType;
            await metrics.WriteAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        });
    }
}
