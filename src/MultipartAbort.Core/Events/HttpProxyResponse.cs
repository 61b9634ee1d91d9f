namespace MultipartAbort.Core.Events;

internal sealed class HttpProxyResponse
{
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    [JsonPropertyName("headers")]
    public Dictionary<string, string> Headers { get; set; } = new() { ["Content-Type"] = "application/json" };

    [JsonPropertyName("body")]
    public string Body { get; set; } = "";

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}
