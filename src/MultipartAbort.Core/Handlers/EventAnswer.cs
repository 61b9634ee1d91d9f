using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

/// <summary>What a host sends back for an event (already encoded for its shape), and the counts for metrics.</summary>
/// <param name="Succeeded">
/// True when everything the event asked for succeeded: no SQS record listed for redelivery or dead-lettered, an HTTP
/// answer of 200, every upload aborted, already-gone, would-abort or requeued (what <c>mpa invoke</c>'s exit code says).
/// </param>
public sealed record EventAnswer(byte[] Body, OutcomeCounts Counts, InvocationResult? Result, bool Succeeded)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
