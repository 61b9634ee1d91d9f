using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

/// <summary>What a host sends back for an event (already encoded for its shape), and the counts for metrics.</summary>
public sealed record HandlerResponse(byte[] Body, OutcomeCounts Counts, InvocationResult? Result)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
