namespace MultipartAbort.Core.Events;

/// <summary>Function URL or API Gateway request (payload 2.0 or 1.0: the method lives in different places).</summary>
internal sealed record HttpProxyEvent(
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("path")] string? Path,
    [property: JsonPropertyName("httpMethod")] string? HttpMethod,
    [property: JsonPropertyName("headers")] Dictionary<string, string?>? Headers,
    [property: JsonPropertyName("multiValueHeaders")] Dictionary<string, List<string>?>? MultiValueHeaders,
    [property: JsonPropertyName("requestContext")] HttpRequestContext? RequestContext,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("isBase64Encoded")] bool IsBase64Encoded
)
{
    public string Method => (RequestContext?.Http?.Method ?? HttpMethod ?? "").ToUpperInvariant();

    public bool IsPayloadV2 => Version == "2.0" || RequestContext?.Http is not null;

    // Case-insensitive, in either payload version's header maps.
    public string? Header(string name) =>
        Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value
        ?? MultiValueHeaders?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase) && h.Value is { Count: > 0 }).Value?[0];
}

internal sealed record HttpRequestContext(
    [property: JsonPropertyName("requestId")] string? RequestId,
    [property: JsonPropertyName("http")] HttpRequestDescription? Http,
    [property: JsonPropertyName("httpMethod")] string? HttpMethod
);

internal sealed record HttpRequestDescription(
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("path")] string? Path,
    [property: JsonPropertyName("sourceIp")] string? SourceIp
);

internal sealed record HttpProxyResponse(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("headers")] Dictionary<string, string> Headers,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("isBase64Encoded")] bool IsBase64Encoded
);
