namespace MultipartAbort.Core.Events;

// The envelopes AWS and IBM deliver, as documented; only the fields this function reads or echoes.
internal sealed record SqsEvent([property: JsonPropertyName("Records")] List<SqsMessage> Records);

internal sealed record SqsMessage(
    [property: JsonPropertyName("messageId")] string? MessageId,
    [property: JsonPropertyName("receiptHandle")] string? ReceiptHandle,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("attributes")] Dictionary<string, string>? Attributes,
    [property: JsonPropertyName("eventSource")] string? EventSource,
    [property: JsonPropertyName("eventSourceARN")] string? EventSourceArn,
    [property: JsonPropertyName("awsRegion")] string? AwsRegion
);

// ReportBatchItemFailures.
internal sealed record SqsBatchResponse([property: JsonPropertyName("batchItemFailures")] List<SqsBatchItemFailure> BatchItemFailures);

internal sealed record SqsBatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);
