namespace MultipartAbort.Core.Events;

public sealed record PayloadEvent(RequestPayload Payload) : DecodedEvent;
