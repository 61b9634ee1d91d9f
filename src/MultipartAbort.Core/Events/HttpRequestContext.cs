namespace MultipartAbort.Core.Events;

internal sealed class HttpRequestContext
{
    [JsonPropertyName("requestId")]
    public string? RequestId { get; set; }

    [JsonPropertyName("http")]
    public HttpRequestDescription? Http { get; set; }

    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; set; }
}
