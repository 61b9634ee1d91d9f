namespace MultipartAbort.Core.Events;

/// <summary>An event as it arrived, sorted by shape.</summary>
public abstract record DecodedEvent;
