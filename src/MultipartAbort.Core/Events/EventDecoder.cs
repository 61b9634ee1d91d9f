namespace MultipartAbort.Core.Events;

/// <summary>Sorts an event by shape and takes out the request, with one <see cref="Unwrap"/> for every carrier.</summary>
internal static class EventDecoder
{
    public static DecodedEvent Decode(ReadOnlySpan<byte> utf8Json)
    {
        if (Parse(utf8Json, "event", out var refusal) is not { } doc)
            return new PayloadEvent(refusal);
        using (doc)
            return DecodeChecked(doc.RootElement);
    }

    // An OpenWhisk activation's value, already parsed by the host.
    public static DecodedEvent Decode(JsonElement root) =>
        StrictText.JsonProblem(root) is { } problem ? Invalid($"the event is not valid text: {problem}", "text") : DecodeChecked(root);

    private static DecodedEvent DecodeChecked(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Invalid($"the event must be a JSON object; got {JsonFields.Describe(root)}", "shape");
        try
        {
            if (root.TryGetProperty("Records", out var records) && IsSqs(records))
                return new SqsBatchEvent(root.Deserialize(EventJsonContext.Default.SqsEvent)!);
            if (IsHttp(root))
                return new HttpEvent(root.Deserialize(EventJsonContext.Default.HttpProxyEvent)!);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Invalid($"the event looks like an AWS envelope but a field has the wrong type or is not valid text: {ex.Message}", "shape");
        }
        // OpenWhisk passes parameters as {"value": {...}}; an empty event is the tick.
        if (root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object && !root.TryGetProperty("bucket", out _))
            return new PayloadEvent(IsEmpty(value) ? new ScheduledSweepPayload(null) : RequestParser.Parse(value));
        return new PayloadEvent(IsEmpty(root) ? new ScheduledSweepPayload(null) : Unwrap(root));
    }

    public static DecodedEvent Decode(string json) => Decode(Encoding.UTF8.GetBytes(json));

    // Nested SQS or HTTP events are refused.
    public static RequestPayload DecodeBody(string? text) =>
        StrictText.SurrogateProblem(text) is { } problem ? Refused($"the body is not valid text: {problem}", "text") : DecodeBody(Encoding.UTF8.GetBytes(text ?? ""));

    // From bytes, so invalid UTF-8 is refused instead of silently replaced.
    public static RequestPayload DecodeBody(ReadOnlySpan<byte> utf8)
    {
        if (Parse(utf8, "body", out var refusal) is not { } doc)
            return refusal;
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Records", out _))
                return Refused("the body is itself an event with Records (SQS, S3 or SNS); nested events are not supported: send the request, an EventBridge event or a CloudEvent", "shape");
            if (root.ValueKind == JsonValueKind.Object && IsHttp(root))
                return Refused("the body is itself an HTTP proxy event; nested events are not supported: send the request itself", "shape");
            return Unwrap(root);
        }
    }

    public static RequestPayload DecodeCloudEventData(ReadOnlySpan<byte> utf8, string? source)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
            return new ScheduledSweepPayload(source);
        if (Parse(utf8, "data", out var refusal) is not { } doc)
            return refusal;
        using (doc)
            return Data(doc.RootElement, source);
    }

    public static RequestPayload Unwrap(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return RequestParser.Parse(root);
        try
        {
            if (root.TryGetProperty("detail-type", out _) && root.TryGetProperty("detail", out _))
            {
                var e = root.Deserialize(EventJsonContext.Default.EventBridgeEvent)!;
                return Data(e.Detail, e.Source);
            }
            if (root.TryGetProperty("specversion", out _))
            {
                var e = root.Deserialize(EventJsonContext.Default.CloudEventEnvelope)!;
                if (e.DataBase64 is not { } b64)
                    return Data(e.Data, e.Source);
                try
                {
                    return DecodeCloudEventData(Convert.FromBase64String(b64), e.Source);
                }
                catch (FormatException)
                {
                    return Refused("data_base64 is not valid base64", "shape");
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Refused($"the event looks like an AWS or CloudEvents envelope but a field has the wrong type or is not valid text: {ex.Message}", "shape");
        }
        return RequestParser.Parse(root);
    }

    // No data, null, {} or "" is the tick; a JSON string holding a request is that request (cron --data may arrive quoted).
    private static RequestPayload Data(JsonElement data, string? source)
    {
        switch (data.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
            case JsonValueKind.Object when !data.EnumerateObject().Any():
                return new ScheduledSweepPayload(source);
            case JsonValueKind.String:
                var inner = data.GetString();
                return string.IsNullOrWhiteSpace(inner) || inner.Trim() is "{}" or "null" ? new ScheduledSweepPayload(source) : RequestParser.ParseText(inner);
            default:
                return RequestParser.Parse(data);
        }
    }

    // Null with the refusal when the bytes are empty, not UTF-8, not JSON or escape a lone surrogate.
    internal static JsonDocument? Parse(ReadOnlySpan<byte> utf8, string what, out InvalidPayload refusal)
    {
        refusal = null!;
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
            refusal = Refused($"the {what} is empty; expected a JSON object with bucket, key and uploadId, uploads, or sweep", "shape");
        // The JSON reader checks UTF-8 only when a string is read: refuse it whole, before any field is looked at.
        else if (StrictText.Utf8Problem(utf8) is { } notUtf8)
            refusal = Refused($"the {what} is not valid JSON: {notUtf8}", "text");
        else
        {
            try
            {
                var doc = JsonDocument.Parse(utf8.ToArray(), RequestParser.DocumentOptions);
                if (StrictText.JsonProblem(doc.RootElement) is not { } notText)
                    return doc;
                doc.Dispose();
                refusal = Refused($"the {what} is not valid text: {notText}", "text");
            }
            catch (JsonException ex)
            {
                refusal = Refused($"the {what} is not valid JSON: {ex.Message}", "json");
            }
        }
        return null;
    }

    private static bool IsEmpty(JsonElement obj) => !obj.EnumerateObject().Any();

    private static bool IsSqs(JsonElement records) =>
        records.ValueKind == JsonValueKind.Array
        && records.GetArrayLength() > 0
        && records.EnumerateArray().All(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("eventSource", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "aws:sqs");

    private static bool IsHttp(JsonElement root) =>
        root.TryGetProperty("requestContext", out var ctx)
        && ctx.ValueKind == JsonValueKind.Object
        && (root.TryGetProperty("httpMethod", out _) || (ctx.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object));

    private static PayloadEvent Invalid(string message, string rule) => new(Refused(message, rule));

    private static InvalidPayload Refused(string message, string rule) => RequestParser.Invalid(message, rule: rule);
}
