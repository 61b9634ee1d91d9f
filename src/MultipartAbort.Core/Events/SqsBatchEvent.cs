namespace MultipartAbort.Core.Events;

/// <summary>An SQS batch: each record's body is decoded on its own.</summary>
internal sealed record SqsBatchEvent(SqsEvent Event) : DecodedEvent;
