namespace MultipartAbort.Http.Endpoints;

/// <summary><c>POST /</c>, OpenWhisk's <c>/init</c> and <c>/run</c>, <c>/healthz</c> (503 after SIGTERM), <c>/metrics</c> (guarded: it names buckets); bodies raw, as signed.</summary>
public static class HttpEndpoints
{
    public static void MapEndpoints(this IEndpointRouteBuilder app, FunctionServices services, OutcomeMetrics metrics, IHostApplicationLifetime lifetime)
    {
        app.MapPost("/", async (HttpContext http) =>
        {
            var received = services.Time.GetUtcNow();
            var (body, refusal) = await ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (refusal is not null)
                return refusal;
            var (delivery, problem) = CloudEventReader.IsCloudEvent(http.Request) ? CloudEventReader.Read(http.Request, body!) : (null, null);
            if (problem is not null)
                return Json(StatusCodes.Status400BadRequest, ResultJson.Error(problem));
            return Answer(await services.PostAsync(http.Request.Method, Signature(http), body!, delivery, received).ConfigureAwait(false), metrics);
        });

        app.MapPost("/init", () => Results.Text("{\"ok\":true}", "application/json"));

        app.MapPost("/run", async (HttpContext http) =>
        {
            var (body, refusal) = await ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            return refusal ?? Answer(await services.RunActivationAsync(Signature(http), body!).ConfigureAwait(false), metrics);
        });

        app.MapGet("/healthz", () =>
            lifetime.ApplicationStopping.IsCancellationRequested
                ? Json(StatusCodes.Status503ServiceUnavailable, "{\"status\":\"stopping\"}")
                : Json(StatusCodes.Status200OK, "{\"status\":\"ready\"}"));

        app.MapGet("/metrics", async (HttpContext http) =>
        {
            if (services.MetricsRefusal(http.Request.Headers.Authorization.FirstOrDefault()) is { } problem)
            {
                http.Response.Headers.WWWAuthenticate = $"{HostDoors.MetricsScheme} realm=\"metrics\"";
                await Json(StatusCodes.Status401Unauthorized, ResultJson.Error(problem)).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }
            http.Response.ContentType = OutcomeMetrics.ContentType;
            await metrics.WriteAsync(http.Response.Body, http.RequestAborted).ConfigureAwait(false);
        });
    }

    // 413 when too large, 400 when the client broke off.
    private static async Task<(byte[]? Body, IResult? Refusal)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var buffer = new MemoryStream(request.ContentLength is > 0 and <= HttpHost.MaxRequestBodyBytes ? (int)request.ContentLength : 4096);
            await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
            return (buffer.ToArray(), null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Json(StatusCodes.Status413PayloadTooLarge, ResultJson.Error($"the body is larger than {HttpHost.MaxRequestBodyBytes} bytes ({HttpHost.MaxRequestBodyBytes / 1024} KiB), the most this host accepts; split a batch into smaller ones")));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, Json(ex.StatusCode, ResultJson.Error($"the body could not be read: {ex.Message}")));
        }
    }

    private static string? Signature(HttpContext http) => http.Request.Headers[HostDoors.SignatureHeader].FirstOrDefault();

    private static IResult Json(int status, string body) => Results.Text(body, "application/json", Encoding.UTF8, status);

    private static IResult Answer(HttpAnswer answer, OutcomeMetrics metrics)
    {
        metrics.Add(answer.Result);
        return Json(answer.Status, answer.Body);
    }
}
