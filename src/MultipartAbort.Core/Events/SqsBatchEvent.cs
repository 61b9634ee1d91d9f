namespace MultipartAbort.Core.Events;

public sealed record SqsBatchEvent(SqsEvent Event) : DecodedEvent;
