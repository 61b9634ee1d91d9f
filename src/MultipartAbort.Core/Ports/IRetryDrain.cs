namespace MultipartAbort.Core.Ports;

/// <summary>Runs a retry ledger nothing delivers by itself (<c>cos://</c>; Lambda polls SQS).</summary>
public interface IRetryDrain
{
    Task<InvocationResult> DrainAsync(Invocation invocation);
}
