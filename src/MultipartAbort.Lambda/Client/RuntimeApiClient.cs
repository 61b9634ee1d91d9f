using System.Net;
using System.Net.Http.Headers;

namespace MultipartAbort.Lambda.Client;

/// <summary>No HTTP timeout: Lambda freezes the process in the middle of <c>next</c>.</summary>
public sealed class RuntimeApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue ErrorJson = new(RuntimeApiHeaders.ErrorContentType);
    private readonly HttpClient _http;

    /// <param name="runtimeApi">host:port, as AWS_LAMBDA_RUNTIME_API gives it.</param>
    public RuntimeApiClient(string runtimeApi, HttpMessageHandler? handler = null)
    {
        // The Runtime API is a local endpoint: a configured HTTP proxy must not apply to it.
        handler ??= new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false };
        _http = new HttpClient(handler) { BaseAddress = new Uri($"http://{runtimeApi}/{RuntimeApiHeaders.ApiVersion}/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    // Infinite, so a thawed sandbox finds its next still open.
    internal TimeSpan HttpTimeout => _http.Timeout;

    public async Task<InvocationRequest> GetNextInvocationAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new RuntimeApiException("next", response.StatusCode, System.Text.Encoding.UTF8.GetString(body));
        var requestId = Header(response, RuntimeApiHeaders.RequestId);
        if (string.IsNullOrEmpty(requestId))
            throw new RuntimeApiException("next", response.StatusCode, $"the invocation has no {RuntimeApiHeaders.RequestId} header");
        return new InvocationRequest(requestId, body)
        {
            Deadline = long.TryParse(Header(response, RuntimeApiHeaders.DeadlineMs), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : null,
            InvokedFunctionArn = Header(response, RuntimeApiHeaders.InvokedFunctionArn),
            TraceHeader = Header(response, RuntimeApiHeaders.TraceId),
        };
    }

    public Task SendResponseAsync(string requestId, byte[] body, CancellationToken ct)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        return PostAsync("response", $"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, null, ct);
    }

    /// <summary>Lambda answers the invoker with this error.</summary>
    public Task SendErrorAsync(string requestId, LambdaError error, CancellationToken ct) =>
        PostAsync("error", $"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", ErrorContent(error), error.Category, ct);

    /// <summary>The runtime must exit afterwards.</summary>
    public Task SendInitErrorAsync(LambdaError error, CancellationToken ct) => PostAsync("init/error", "runtime/init/error", ErrorContent(error), error.Category, ct);

    private static ByteArrayContent ErrorContent(LambdaError error)
    {
        var content = new ByteArrayContent(error.ToJson());
        content.Headers.ContentType = ErrorJson;
        return content;
    }

    private async Task PostAsync(string operation, string path, HttpContent content, string? errorType, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null)
            request.Headers.TryAddWithoutValidation(RuntimeApiHeaders.FunctionErrorType, errorType);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new RuntimeApiException(operation, response.StatusCode, await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}

public sealed record InvocationRequest(string RequestId, byte[] Event)
{
    /// <summary>Lambda-Runtime-Deadline-Ms; null when missing or unreadable.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public string? InvokedFunctionArn { get; init; }

    public string? TraceHeader { get; init; }
}

public sealed class RuntimeApiException(string operation, HttpStatusCode status, string body)
    : Exception($"Runtime API {operation} answered {(int)status} {status}: {(body.Length > 500 ? body[..500] : body)}")
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>500 means "container error, non-recoverable state: the runtime should exit promptly".</summary>
    public bool IsFatal => Status == HttpStatusCode.InternalServerError;
}

/// <summary>Lambda Runtime API version 2018-06-01.</summary>
public static class RuntimeApiHeaders
{
    public const string ApiVersion = "2018-06-01";

    public const string RequestId = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineMs = "Lambda-Runtime-Deadline-Ms";
    public const string InvokedFunctionArn = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceId = "Lambda-Runtime-Trace-Id";

    /// <summary>A category.reason string such as Runtime.ConfigInvalid.</summary>
    public const string FunctionErrorType = "Lambda-Runtime-Function-Error-Type";

    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";
}
