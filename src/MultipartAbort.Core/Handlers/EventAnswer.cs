namespace MultipartAbort.Core.Handlers;

/// <summary>What a host sends back for an event, and the counts for metrics. Succeeded is <c>mpa invoke</c>'s exit code.</summary>
public sealed record EventAnswer(byte[] Body, OutcomeCounts Counts, InvocationResult? Result, bool Succeeded)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
