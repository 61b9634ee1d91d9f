namespace MultipartAbort.Lambda.Client;

/// <summary>One invocation as <c>GET /runtime/invocation/next</c> delivers it: the event and the headers that describe it.</summary>
public sealed record InvocationRequest(string RequestId, byte[] Event)
{
    /// <summary>When Lambda stops the invocation (Lambda-Runtime-Deadline-Ms); null when the header was missing or unreadable.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public string? InvokedFunctionArn { get; init; }

    /// <summary>The whole X-Ray header.</summary>
    public string? TraceHeader { get; init; }
}
