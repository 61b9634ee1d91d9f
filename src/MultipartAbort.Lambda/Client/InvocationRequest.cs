namespace MultipartAbort.Lambda.Client;

public sealed record InvocationRequest(string RequestId, byte[] Event)
{
    /// <summary>Lambda-Runtime-Deadline-Ms; null when missing or unreadable.</summary>
    public DateTimeOffset? Deadline { get; init; }

    public string? InvokedFunctionArn { get; init; }

    public string? TraceHeader { get; init; }
}
