namespace MultipartAbort.Core.Events;

/// <summary>A received CloudEvent (binary or structured mode): the attributes the core reads, and the data as bytes.</summary>
public sealed record CloudEventDelivery(string Id, string Source, string Type, ReadOnlyMemory<byte> Data)
{
    // Code Engine's cron subscription (a Knative PingSource).
    public const string PingType = "dev.knative.sources.ping";

    // Empty data is a scheduled tick.
    public RequestPayload ToPayload() => EventDecoder.DecodeCloudEventData(Data.Span, Source);
}
