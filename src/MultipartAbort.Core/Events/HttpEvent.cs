namespace MultipartAbort.Core.Events;

/// <summary>An HTTP request (Function URL, API Gateway v1/v2): signature first, then the body.</summary>
internal sealed record HttpEvent(HttpProxyEvent Request) : DecodedEvent;
