using MultipartAbort.Core.Observability;

namespace MultipartAbort.Http;

/// <summary>
/// Around every request: the Powertools keys its log lines carry (the request id Knative's queue-proxy or OpenWhisk
/// gives, cold start on the first), and the request counted by route and status for /metrics.
/// </summary>
public sealed class RequestScope(RequestDelegate next, StructuredLogger log, OutcomeMetrics metrics, HostIdentity identity)
{
    private int _first = 1;

    public async Task InvokeAsync(HttpContext http)
    {
        var requestId = http.Request.Headers["X-Request-Id"].FirstOrDefault() ?? http.TraceIdentifier;
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
        finally
        {
            metrics.CountRequest((http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, http.Response.StatusCode);
        }
    }
}
