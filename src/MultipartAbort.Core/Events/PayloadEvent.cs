namespace MultipartAbort.Core.Events;

/// <summary>A request delivered as is: direct invoke, EventBridge detail, CloudEvent data, OpenWhisk params.</summary>
public sealed record PayloadEvent(RequestPayload Payload) : DecodedEvent;
