using MultipartAbort.Core.Deadline;
using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Ports;

/// <summary>
/// Runs the due entries of a retry ledger that nobody delivers by itself (IBM Cloud's <c>cos://</c> ledger; an SQS retry
/// queue needs none, Lambda polls it). A scheduled tick (Code Engine cron ping, <c>mpa drain</c>) calls it after the sweeps.
/// </summary>
public interface IRetryDrain
{
    /// <summary>Takes the entries due now, runs each, and settles it; the result counts their outcomes.</summary>
    Task<InvocationResult> DrainAsync(InvocationContext context, CancellationToken ct);
}
