namespace MultipartAbort.Core.Events;

public abstract record RequestPayload;
