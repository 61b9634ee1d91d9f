namespace MultipartAbort.Core.Events;

// ReportBatchItemFailures.
internal sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<SqsBatchItemFailure> BatchItemFailures { get; set; } = [];
}
