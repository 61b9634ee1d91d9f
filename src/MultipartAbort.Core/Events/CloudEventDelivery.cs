namespace MultipartAbort.Core.Events;

/// <summary>
/// A CloudEvent as a host received it, in binary mode (<c>ce-*</c> headers, the body is the data) or structured mode
/// (<c>application/cloudevents+json</c>): the attributes the core looks at, and the data as bytes.
/// </summary>
public sealed record CloudEventDelivery(string Id, string Source, string Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Code Engine's cron subscription (a Knative PingSource).</summary>
    public const string PingType = "dev.knative.sources.ping";

    /// <summary>The request the data carries; empty data is a scheduled tick (see <see cref="EventDecoder.DecodeCloudEventData"/>).</summary>
    public RequestPayload ToPayload() => EventDecoder.DecodeCloudEventData(Data.Span, Source);
}
