using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultipartAbort.Core.Events;

// The envelopes AWS and IBM deliver, as documented; only the fields this function reads or echoes.

/// <summary>An SQS event source batch.</summary>
public sealed class SqsEvent
{
    [JsonPropertyName("Records")]
    public List<SqsMessage> Records { get; set; } = [];
}

public sealed class SqsMessage
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

/// <summary>The answer to an SQS batch with ReportBatchItemFailures.</summary>
public sealed class SqsBatchResponse
{
    [JsonPropertyName("batchItemFailures")]
    public List<SqsBatchItemFailure> BatchItemFailures { get; set; } = [];
}

public sealed class SqsBatchItemFailure
{
    [JsonPropertyName("itemIdentifier")]
    public required string ItemIdentifier { get; set; }
}

/// <summary>An EventBridge event (rule target or scheduled rule).</summary>
public sealed class EventBridgeEvent
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("detail-type")]
    public string? DetailType { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("account")]
    public string? Account { get; set; }

    [JsonPropertyName("time")]
    public string? Time { get; set; }

    [JsonPropertyName("region")]
    public string? Region { get; set; }

    [JsonPropertyName("resources")]
    public List<string>? Resources { get; set; }

    [JsonPropertyName("detail")]
    public JsonElement Detail { get; set; }
}

/// <summary>
/// An HTTP request as Lambda Function URLs and API Gateway HTTP APIs (payload 2.0) or REST APIs (payload 1.0) send it.
/// The two versions share body, headers and isBase64Encoded; the method lives in different places.
/// </summary>
public sealed class HttpProxyEvent
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("routeKey")]
    public string? RouteKey { get; set; }

    [JsonPropertyName("rawPath")]
    public string? RawPath { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; set; }

    [JsonPropertyName("headers")]
    public Dictionary<string, string?>? Headers { get; set; }

    [JsonPropertyName("multiValueHeaders")]
    public Dictionary<string, List<string>?>? MultiValueHeaders { get; set; }

    [JsonPropertyName("requestContext")]
    public HttpRequestContext? RequestContext { get; set; }

    [JsonPropertyName("body")]
    public string? Body { get; set; }

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }

    public string Method => (RequestContext?.Http?.Method ?? HttpMethod ?? "").ToUpperInvariant();

    public bool IsPayloadV2 => Version == "2.0" || RequestContext?.Http is not null;
}

public sealed class HttpRequestContext
{
    [JsonPropertyName("requestId")]
    public string? RequestId { get; set; }

    [JsonPropertyName("http")]
    public HttpRequestDescription? Http { get; set; }

    [JsonPropertyName("httpMethod")]
    public string? HttpMethod { get; set; }
}

public sealed class HttpRequestDescription
{
    [JsonPropertyName("method")]
    public string? Method { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("sourceIp")]
    public string? SourceIp { get; set; }
}

/// <summary>The proxy response Function URLs and API Gateway expect.</summary>
public sealed class HttpProxyResponse
{
    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    [JsonPropertyName("headers")]
    public Dictionary<string, string> Headers { get; set; } = new() { ["Content-Type"] = "application/json" };

    [JsonPropertyName("body")]
    public string Body { get; set; } = "";

    [JsonPropertyName("isBase64Encoded")]
    public bool IsBase64Encoded { get; set; }
}

/// <summary>A CloudEvent in structured JSON mode (IBM Code Engine subscriptions deliver these).</summary>
public sealed class CloudEventEnvelope
{
    [JsonPropertyName("specversion")]
    public string? SpecVersion { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("source")]
    public string? Source { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("data")]
    public JsonElement Data { get; set; }

    [JsonPropertyName("data_base64")]
    public string? DataBase64 { get; set; }
}
