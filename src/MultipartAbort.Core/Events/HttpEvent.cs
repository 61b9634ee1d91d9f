namespace MultipartAbort.Core.Events;

// Signature first, then the body.
internal sealed record HttpEvent(HttpProxyEvent Request) : DecodedEvent;
