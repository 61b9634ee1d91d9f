namespace MultipartAbort.Core.Serialization;

/// <summary>Source-generated (reflection-free, AOT-safe) serialisers for every envelope the function reads or writes.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowTrailingCommas = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(EventBridgeEvent))]
[JsonSerializable(typeof(HttpProxyEvent))]
[JsonSerializable(typeof(HttpProxyResponse))]
[JsonSerializable(typeof(CloudEventEnvelope))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
