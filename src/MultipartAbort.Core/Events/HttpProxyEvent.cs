namespace MultipartAbort.Core.Events;

/// <summary>Function URL or API Gateway request (payload 2.0 or 1.0: the method lives in different places).</summary>
internal sealed class HttpProxyEvent
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; set; }

    [JsonPropertyName("headers")]
    public Dictionary<string, string?>? Headers { get; set; }

    [JsonPropertyName("multiValueHeaders")]
    public Dictionary<string, List<string>?>? MultiValueHeaders { get; set; }

    [JsonPropertyName("requestContext")]
    public HttpRequestContext? RequestContext { get; set; }

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    public string Method => (RequestContext?.Http?.Method ?? HttpMethod ?? "").ToUpperInvariant();

    public bool IsPayloadV2 => Version == "2.0" || RequestContext?.Http is not null;

    // Case-insensitive, in either payload version's header maps.
    public string? Header(string name)
    {
        if (Headers is { } headers)
            foreach (var (k, v) in headers)
                if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
                    return v;
        if (MultiValueHeaders is { } multi)
            foreach (var (k, v) in multi)
                if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase) && v is { Count: > 0 })
                    return v[0];
        return null;
    }
}
