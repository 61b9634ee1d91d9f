using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;

namespace MultipartAbort.Core.Events;

/// <summary>Sorts an incoming event by its shape (the README, "Inputs"): one handler recognises all of them.</summary>
public static class EventDecoder
{
    public static DecodedEvent Decode(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
            return Invalid("the event is empty; expected a JSON object with bucket, key and uploadId, uploads, or sweep");
        // The JSON reader checks UTF-8 only when a string is read: refuse it whole, before any field is looked at.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
            return Invalid("the event is not valid JSON: it holds bytes that are not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json.ToArray(), RequestParser.DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Invalid($"the event is not valid JSON: {ex.Message}");
        }
        using (doc)
            return Decode(doc.RootElement);
    }

    public static DecodedEvent Decode(string json) => Decode(Encoding.UTF8.GetBytes(json));

    /// <summary>
    /// A body carried by SQS or a webhook: a request, or an EventBridge envelope or CloudEvent around one (the
    /// EventBridge → SQS → Lambda pattern), unwrapped as at the top level. An SQS or HTTP event inside a body is refused.
    /// </summary>
    public static RequestPayload DecodeBody(string? text) =>
        string.IsNullOrWhiteSpace(text) ? RequestParser.ParseText(text) : DecodeBody(Encoding.UTF8.GetBytes(text));

    /// <summary>The same for raw bytes (a webhook body), so invalid UTF-8 is refused instead of silently replaced.</summary>
    public static RequestPayload DecodeBody(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || utf8.Trim(" \t\r\n"u8).IsEmpty)
            return RequestParser.ParseText(null);
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            return Refused("the body is not valid JSON: it holds bytes that are not valid UTF-8");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8.ToArray(), RequestParser.DocumentOptions);
        }
        catch (JsonException ex)
        {
            return Refused($"the body is not valid JSON: {ex.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("Records", out _))
                    return Refused("the body is itself an event with Records (SQS, S3 or SNS); nested events are not supported: send the request, an EventBridge event or a CloudEvent");
                if (IsHttp(root))
                    return Refused("the body is itself an HTTP proxy event; nested events are not supported: send the request itself");
                var envelope = (root.TryGetProperty("detail-type", out _) && root.TryGetProperty("detail", out _)) || root.TryGetProperty("specversion", out _);
                if (envelope && Decode(root) is PayloadEvent unwrapped)
                    return unwrapped.Payload;
            }
            return RequestParser.Parse(root);
        }
    }

    public static DecodedEvent Decode(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Invalid($"the event must be a JSON object; got {RequestParser.Describe(root)}");

        try
        {
            if (root.TryGetProperty("Records", out var records) && IsSqs(records))
                return new SqsBatchEvent(root.Deserialize(EventJsonContext.Default.SqsEvent)!);

            if (IsHttp(root))
                return new HttpEvent(root.Deserialize(EventJsonContext.Default.HttpProxyEvent)!);

            if (root.TryGetProperty("detail-type", out _) && root.TryGetProperty("detail", out _))
                return DecodeEventBridge(root.Deserialize(EventJsonContext.Default.EventBridgeEvent)!);

            if (root.TryGetProperty("specversion", out _))
                return DecodeCloudEvent(root.Deserialize(EventJsonContext.Default.CloudEventEnvelope)!);

            // OpenWhisk hands an action its parameters as {"value": {...}} on /run; a direct invoke may do the same.
            if (root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object && !root.TryGetProperty("bucket", out _))
                return new PayloadEvent(RequestParser.Parse(value));
        }
        catch (JsonException ex)
        {
            return Invalid($"the event looks like an AWS or CloudEvents envelope but a field has the wrong type: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return Invalid($"the event looks like an AWS or CloudEvents envelope but a field is not valid text: {ex.Message}");
        }

        return new PayloadEvent(RequestParser.Parse(root));
    }

    private static bool IsSqs(JsonElement records) =>
        records.ValueKind == JsonValueKind.Array
        && records.GetArrayLength() > 0
        && records.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("eventSource", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "aws:sqs");

    private static bool IsHttp(JsonElement root) =>
        root.TryGetProperty("requestContext", out var ctx)
        && ctx.ValueKind == JsonValueKind.Object
        && (root.TryGetProperty("httpMethod", out _) || (ctx.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object));

    private static DecodedEvent DecodeEventBridge(EventBridgeEvent e)
    {
        var detail = e.Detail;
        var empty = detail.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            || (detail.ValueKind == JsonValueKind.Object && !detail.EnumerateObject().Any());
        if (empty)
            return new PayloadEvent(new ScheduledSweepPayload(e.Source));
        return new PayloadEvent(RequestParser.Parse(detail));
    }

    private static DecodedEvent DecodeCloudEvent(CloudEventEnvelope e)
    {
        if (e.DataBase64 is { } b64)
        {
            try
            {
                return new PayloadEvent(RequestParser.ParseText(Encoding.UTF8.GetString(Convert.FromBase64String(b64))));
            }
            catch (FormatException)
            {
                return Invalid("data_base64 is not valid base64");
            }
        }
        var data = e.Data;
        if (data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null || (data.ValueKind == JsonValueKind.Object && !data.EnumerateObject().Any()))
            return new PayloadEvent(new ScheduledSweepPayload(e.Source));
        // Code Engine's cron subscription may carry the request as a JSON string in data.
        if (data.ValueKind == JsonValueKind.String)
            return new PayloadEvent(RequestParser.ParseText(data.GetString()));
        return new PayloadEvent(RequestParser.Parse(data));
    }

    private static PayloadEvent Invalid(string message) => new(Refused(message));

    private static InvalidPayload Refused(string message) => new(AbortResult.Rejected(null, null, null, 0, message));
}
