namespace MultipartAbort.Core.Events;

internal sealed record PayloadEvent(RequestPayload Payload) : DecodedEvent;
