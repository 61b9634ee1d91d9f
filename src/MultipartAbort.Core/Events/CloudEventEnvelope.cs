namespace MultipartAbort.Core.Events;

/// <summary>Structured JSON mode, as IBM Code Engine subscriptions deliver.</summary>
internal sealed class CloudEventEnvelope
{
    [JsonPropertyName("specversion")]
    public string? SpecVersion { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("data")]
    public JsonElement Data { get; set; }

    [JsonPropertyName("data_base64")]
    public string? DataBase64 { get; set; }
}
