using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace MultipartAbort.Http.Endpoints;

/// <summary>Binary mode (as Code Engine's cron sends it) or structured.</summary>
public static class CloudEventReader
{
    private const string HeaderPrefix = "ce-";
    private const string StructuredMediaType = "application/cloudevents+json";
    private const string BatchMediaType = "application/cloudevents-batch+json";
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>Else the request is a plain webhook.</summary>
    public static bool IsCloudEvent(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderPrefix + "specversion") || MediaType(request) is StructuredMediaType or BatchMediaType;

    /// <summary>The problem names the attribute.</summary>
    public static (CloudEventDelivery? Delivery, string? Problem) Read(HttpRequest request, byte[] body)
    {
        try
        {
            var cloudEvent = MediaType(request) switch
            {
                BatchMediaType => null,
                StructuredMediaType => Formatter.DecodeStructuredModeMessage(body, new ContentType(request.ContentType!), null),
                _ => ReadBinary(request, body),
            };
            if (cloudEvent is null)
                return (null, "CloudEvents batch mode is not supported; send one event per request");
            cloudEvent.Validate();
            return (new CloudEventDelivery(cloudEvent.Id!, cloudEvent.Source!.ToString(), cloudEvent.Type!, DataOf(cloudEvent)), null);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or JsonException or FormatException)
        {
            return (null, $"not a valid CloudEvent: {ex.Message}");
        }
    }

    private static CloudEvent ReadBinary(HttpRequest request, byte[] body)
    {
        var versionId = request.Headers[HeaderPrefix + "specversion"].ToString();
        var version = CloudEventsSpecVersion.FromVersionId(versionId) ?? throw new ArgumentException($"ce-specversion '{versionId}' is not a CloudEvents version this host reads (1.0)");
        var cloudEvent = new CloudEvent(version);
        foreach (var (name, values) in request.Headers)
        {
            if (!name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase) || name.Equals(HeaderPrefix + "specversion", StringComparison.OrdinalIgnoreCase))
                continue;
            // The HTTP binding percent-encodes attribute values in headers.
            cloudEvent.SetAttributeFromString(name[HeaderPrefix.Length..].ToLowerInvariant(), Uri.UnescapeDataString(values.ToString()));
        }
        if (!string.IsNullOrEmpty(request.ContentType))
            cloudEvent.DataContentType = request.ContentType;
        // Raw bytes: the core's own parser names the field in its errors.
        cloudEvent.Data = body;
        return cloudEvent;
    }

    private static ReadOnlyMemory<byte> DataOf(CloudEvent cloudEvent) =>
        cloudEvent.Data switch
        {
            null => ReadOnlyMemory<byte>.Empty,
            byte[] bytes => bytes,
            JsonElement json => Encoding.UTF8.GetBytes(json.GetRawText()),
            string text => Encoding.UTF8.GetBytes(text),
            var other => throw new InvalidOperationException($"CloudEvent data of type {other.GetType().Name} is not supported"),
        };

    // Without parameters, lower case.
    private static string? MediaType(HttpRequest request) => request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
}
