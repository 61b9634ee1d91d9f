namespace MultipartAbort.Core.Events;

internal sealed class HttpRequestDescription
{
    [JsonPropertyName("method")]
    public string? Method { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("sourceIp")]
    public string? SourceIp { get; set; }
}
