namespace MultipartAbort.Core.Events;

internal abstract record DecodedEvent;
