namespace MultipartAbort.Core.Events;

// Signature first, then the body.
public sealed record HttpEvent(HttpProxyEvent Request) : DecodedEvent;
