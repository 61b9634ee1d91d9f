using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Handlers;

/// <summary>What a host sends back for an event (encoded for its shape), and the counts for metrics.</summary>
/// <param name="Succeeded">True when everything asked for succeeded (what <c>mpa invoke</c>'s exit code says).</param>
public sealed record EventAnswer(byte[] Body, OutcomeCounts Counts, InvocationResult? Result, bool Succeeded)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
