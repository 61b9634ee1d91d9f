using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultipartAbort.Core.Events;

/// <summary>The answer to an SQS batch with ReportBatchItemFailures.</summary>
internal sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<SqsBatchItemFailure> BatchItemFailures { get; set; } = [];
}
