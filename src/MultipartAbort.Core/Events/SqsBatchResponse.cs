using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultipartAbort.Core.Events;

// ReportBatchItemFailures.
public sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<SqsBatchItemFailure> BatchItemFailures { get; set; } = [];
}
