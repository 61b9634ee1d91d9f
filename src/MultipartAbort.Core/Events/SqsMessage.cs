namespace MultipartAbort.Core.Events;

internal sealed class SqsMessage
{
    [JsonPropertyName("messageId")]
    public string? MessageId { get; set; }

    [JsonPropertyName("receiptHandle")]
    public string? ReceiptHandle { get; set; }

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("attributes")]
    public Dictionary<string, string>? Attributes { get; set; }

    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; set; }

    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; set; }
}
