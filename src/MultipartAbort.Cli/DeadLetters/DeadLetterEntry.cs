namespace MultipartAbort.Cli.DeadLetters;

// The body that feeds it back is null when nothing can.
internal sealed record DeadLetterEntry(InboxMessage Message, DeadLetterShape Shape, string Reason, string Target, string? RedriveBody)
{
    public static DeadLetterEntry Explain(InboxMessage message)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(message.Body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Original(message, "not JSON");
        }
        if (root.ValueKind != JsonValueKind.Object)
            return Original(message, $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}");

        if (Text(root, "bucket") is { } bucket && Text(root, "key") is { } key && Text(root, "uploadId") is { } uploadId)
        {
            var reason = Text(root, "reason") ?? "(no reason recorded)";
            return new DeadLetterEntry(message, DeadLetterShape.Request, reason, $"{bucket}/{key} {uploadId}", FreshStart(root));
        }
        if (Text(root, "reason") is { } poisonReason && root.TryGetProperty("body", out var body))
        {
            var inner = body.ValueKind == JsonValueKind.String ? body.GetString() : null;
            var source = Text(root, "messageId") is { } id ? $"message {id}" : "a queued message";
            return new DeadLetterEntry(message, DeadLetterShape.Poison, poisonReason, source, string.IsNullOrEmpty(inner) ? null : inner);
        }
        if (root.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object && root.TryGetProperty("requestPayload", out var payload))
        {
            var condition = Text(context, "condition") ?? "failed";
            var error = root.TryGetProperty("responsePayload", out var response) && response.ValueKind == JsonValueKind.Object ? Text(response, "errorMessage") : null;
            var function = Text(context, "functionArn") ?? "the function";
            return new DeadLetterEntry(message, DeadLetterShape.AsyncFailure, error is null ? condition : $"{condition}: {error}", function, payload.GetRawText());
        }
        return Original(message, Describe(root));
    }

    private static DeadLetterEntry Original(InboxMessage message, string what)
    {
        // EventBridge's dead-letter copies say why in message attributes; SQS's redrive says it by the receive count.
        var reason = message.Attributes.TryGetValue("ERROR_CODE", out var code)
            ? $"EventBridge could not deliver it: {code}{(message.Attributes.TryGetValue("ERROR_MESSAGE", out var text) ? " " + text : "")}"
            : "moved here by SQS after the retry queue's maxReceiveCount receives without being settled";
        var target = message.Attributes.TryGetValue("RULE_ARN", out var rule) ? rule : what;
        return new DeadLetterEntry(message, DeadLetterShape.Original, reason, target, message.Body);
    }

    private static string Describe(JsonElement root) =>
        root.TryGetProperty("Records", out _) ? "an SQS batch event"
        : root.TryGetProperty("uploads", out _) ? "a batch request"
        : root.TryGetProperty("sweep", out var sweep) && sweep.ValueKind == JsonValueKind.Object ? $"a sweep of {Text(sweep, "bucket") ?? "?"}"
        : root.TryGetProperty("detail-type", out _) ? $"an EventBridge event ({Text(root, "detail-type")})"
        : "a JSON object";

    // Attempt 0, old reason dropped.
    private static string FreshStart(JsonElement request) =>
        ResultJson.Text(json =>
        {
            json.WriteStartObject();
            foreach (var property in request.EnumerateObject().Where(p => !p.NameEquals("reason") && !p.NameEquals("attempt")))
                property.WriteTo(json);
            json.WriteNumber("attempt", 0);
            json.WriteEndObject();
        });

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

// docs/cli.md, `mpa dlq`.
internal enum DeadLetterShape
{
    Request,

    /// <summary><c>{"reason","messageId","body"}</c>.</summary>
    Poison,

    /// <summary>Lambda's on-failure destination record.</summary>
    AsyncFailure,

    /// <summary>SQS redrive after maxReceiveCount, or an undeliverable EventBridge event.</summary>
    Original,
}
