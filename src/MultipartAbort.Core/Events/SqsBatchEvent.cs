namespace MultipartAbort.Core.Events;

internal sealed record SqsBatchEvent(SqsEvent Event) : DecodedEvent;
