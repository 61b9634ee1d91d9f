namespace MultipartAbort.Core.Events;

/// <summary>Structured JSON mode, as IBM Code Engine subscriptions deliver.</summary>
internal sealed record CloudEventEnvelope(
    [property: JsonPropertyName("specversion")] string? SpecVersion,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName("data_base64")] string? DataBase64
);
