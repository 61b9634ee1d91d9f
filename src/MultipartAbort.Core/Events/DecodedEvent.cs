namespace MultipartAbort.Core.Events;

/// <summary>An event as it arrived, sorted by shape.</summary>
public abstract record DecodedEvent;

/// <summary>A request delivered as is: direct invoke, EventBridge detail, CloudEvent data, OpenWhisk params.</summary>
public sealed record PayloadEvent(RequestPayload Payload, string Via) : DecodedEvent;

/// <summary>An SQS batch: each record's body is decoded on its own.</summary>
public sealed record SqsBatchEvent(SqsEvent Event) : DecodedEvent;

/// <summary>An HTTP request (Function URL, API Gateway v1/v2): signature first, then the body.</summary>
public sealed record HttpEvent(HttpProxyEvent Request) : DecodedEvent;
