namespace MultipartAbort.Core.Events;

/// <summary>A received CloudEvent (binary or structured mode): the attributes the core reads, and the data as bytes.</summary>
public sealed record CloudEventDelivery(string Id, string Source, string Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Code Engine's cron subscription (a Knative PingSource).</summary>
    public const string PingType = "dev.knative.sources.ping";

    /// <summary>The request the data carries; empty data is a scheduled tick (see <see cref="EventDecoder.DecodeCloudEventData"/>).</summary>
    public RequestPayload ToPayload() => EventDecoder.DecodeCloudEventData(Data.Span, Source);
}
