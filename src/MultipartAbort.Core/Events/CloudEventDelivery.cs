using System.Text.Json;

namespace MultipartAbort.Core.Events;

/// <summary>
/// A CloudEvent as a host received it, in binary mode (<c>ce-*</c> headers, the body is the data) or structured mode
/// (<c>application/cloudevents+json</c>): the attributes the core looks at, and the data as bytes.
/// </summary>
public sealed record CloudEventDelivery(string Id, string Source, string Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Code Engine's cron subscription (a Knative PingSource).</summary>
    public const string PingType = "dev.knative.sources.ping";

    /// <summary>
    /// The request the data carries. No data, an empty object or an empty string is a scheduled tick (run SWEEP_TARGETS);
    /// a JSON string holding a request is read as that request (a cron subscription's <c>--data</c> may arrive quoted).
    /// </summary>
    public RequestPayload ToPayload()
    {
        var text = System.Text.Encoding.UTF8.GetString(Data.Span);
        if (IsEmpty(text))
            return new ScheduledSweepPayload(Source);
        try
        {
            using var doc = JsonDocument.Parse(text, RequestParser.DocumentOptions);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && !root.EnumerateObject().Any())
                return new ScheduledSweepPayload(Source);
            if (root.ValueKind != JsonValueKind.String)
                return RequestParser.Parse(root);
            var inner = root.GetString();
            return IsEmpty(inner) ? new ScheduledSweepPayload(Source) : RequestParser.ParseText(inner);
        }
        catch (JsonException)
        {
            return RequestParser.ParseText(text); // names the JSON error
        }
    }

    private static bool IsEmpty(string? text) => string.IsNullOrWhiteSpace(text) || text.Trim() is "{}" or "null";
}
