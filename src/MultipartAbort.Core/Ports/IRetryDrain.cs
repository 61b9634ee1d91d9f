using MultipartAbort.Core.Model;

namespace MultipartAbort.Core.Ports;

/// <summary>Runs the due entries of a retry ledger nothing delivers by itself (<c>cos://</c>; Lambda polls SQS).</summary>
public interface IRetryDrain
{
    /// <summary>Takes the entries due now, runs each, and settles it; the result counts their outcomes.</summary>
    Task<InvocationResult> DrainAsync(Invocation invocation);
}
