namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>An event waiting to be handed out by <c>next</c>, with the headers Lambda would send with it.</summary>
public sealed record PendingInvocation(string RequestId, string Event)
{
    public DateTimeOffset? Deadline { get; init; }
    public string? FunctionArn { get; init; } = "arn:aws:lambda:us-east-1:123456789012:function:multipart-abort";
    public string? TraceHeader { get; init; }

    /// <summary>The payload's exact bytes when they are not text (bytes that are not UTF-8); else <see cref="Event"/>.</summary>
    public byte[]? EventBytes { get; init; }
}
