namespace MultipartAbort.Core.Events;

internal sealed record EventBridgeEvent(
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("detail-type")] string? DetailType,
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("account")] string? Account,
    [property: JsonPropertyName("time")] string? Time,
    [property: JsonPropertyName("region")] string? Region,
    [property: JsonPropertyName("resources")] List<string>? Resources,
    [property: JsonPropertyName("detail")] JsonElement Detail
);
