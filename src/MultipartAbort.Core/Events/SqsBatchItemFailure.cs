namespace MultipartAbort.Core.Events;

internal sealed class SqsBatchItemFailure
{
    [JsonPropertyName("itemIdentifier")]
    public required string ItemIdentifier { get; set; }
}
