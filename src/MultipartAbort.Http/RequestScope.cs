using LogLevel = MultipartAbort.Core.Observability.LogLevel;

namespace MultipartAbort.Http;

/// <summary>Log keys, the request metric, and the last line of defence (one Critical line and a JSON 500).</summary>
public sealed class RequestScope(RequestDelegate next, StructuredLogger log, OutcomeMetrics metrics, HostIdentity identity)
{
    private int _first = 1;

    public async Task InvokeAsync(HttpContext http)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var requestId = RequestId(http.Request.Headers, http.TraceIdentifier);
        log.Context = new LogContext
        {
            ColdStart = Interlocked.Exchange(ref _first, 0) == 1,
            FunctionName = identity.FunctionName,
            FunctionRequestId = requestId,
        };
        try
        {
            await next(http).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last line of defence: a bug answers a 500 the caller can quote, not an empty one.
        catch (Exception ex) when (!(ex is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
#pragma warning restore CA1031
        {
            log.Log(LogLevel.Critical, $"request {requestId} ({http.Request.Method} {http.Request.Path}) failed unexpectedly: {ex.GetType().Name}: {ex.Message} (please report this with the request id)", ex);
            if (http.Response.HasStarted)
                throw; // the status is sent already: only breaking the connection tells the caller
            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(InternalError(requestId), http.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            metrics.CountRequest((http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, http.Response.StatusCode, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    // X-Request-Id, else ce-id, else the host's own.
    internal static string RequestId(IHeaderDictionary headers, string own) =>
        headers["X-Request-Id"].FirstOrDefault() is { Length: > 0 } given ? given
        : headers["ce-id"].FirstOrDefault() is { Length: > 0 } ce ? ce
        : own;

    // Never the exception's text, which is for the log.
    internal static string InternalError(string requestId) =>
        ResultJson.Text(json =>
        {
            json.WriteStartObject();
            json.WriteString("error", $"internal error: the host failed unexpectedly; please report it with request id {requestId}");
            json.WriteString("requestId", requestId);
            json.WriteEndObject();
        });
}
