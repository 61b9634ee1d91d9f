namespace MultipartAbort.Core.Events;

// The envelopes AWS and IBM deliver, as documented; only the fields this function reads or echoes.
internal sealed class SqsEvent
{
    [JsonPropertyName("Records")]
    public List<SqsMessage> Records { get; set; } = [];
}
