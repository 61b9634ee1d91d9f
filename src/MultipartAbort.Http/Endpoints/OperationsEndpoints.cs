namespace MultipartAbort.Http.Endpoints;

/// <summary><c>/healthz</c> is open (503 after SIGTERM); <c>/metrics</c> is guarded, as it names buckets.</summary>
public static class OperationsEndpoints
{
    public static void MapOperationsEndpoints(this IEndpointRouteBuilder app, OutcomeMetrics metrics, FunctionServices services, IHostApplicationLifetime lifetime)
    {
        app.MapGet("/healthz", () =>
            lifetime.ApplicationStopping.IsCancellationRequested
                ? RequestBody.Json(StatusCodes.Status503ServiceUnavailable, "{\"status\":\"stopping\"}")
                : RequestBody.Json(StatusCodes.Status200OK, "{\"status\":\"ready\"}"));

        app.MapGet("/metrics", async (HttpContext http) =>
        {
            if (services.MetricsRefusal(http.Request.Headers.Authorization.FirstOrDefault()) is { } problem)
            {
                http.Response.Headers.WWWAuthenticate = $"{HostDoors.MetricsScheme} realm=\"metrics\"";
                await RequestBody.Json(StatusCodes.Status401Unauthorized, ResultJson.Error(problem)).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
            http.Response.ContentType = OutcomeMetrics.ContentType;
            await metrics.WriteAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        });
    }
}
