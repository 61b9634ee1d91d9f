namespace MultipartAbort.Lambda.Client;

/// <summary>One invocation as <c>GET /runtime/invocation/next</c> delivers it: the event and the headers that describe it.</summary>
public sealed record InvocationRequest(string RequestId, byte[] Event)
{
    /// <summary>When Lambda stops the invocation (Lambda-Runtime-Deadline-Ms); null when the header was missing or unreadable.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public string? InvokedFunctionArn { get; init; }

    /// <summary>The whole X-Ray header, e.g. <c>Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1</c>.</summary>
    public string? TraceHeader { get; init; }
}
