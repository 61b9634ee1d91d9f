namespace MultipartAbort.Core.Ports;

/// <summary>A retry queue kept as entries in the store (IBM Cloud has no SQS).</summary>
public interface IRetryLedger : IMessageQueue
{
    // In due order, streamed page by page.
    IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    // Null when another drain settled it first.
    Task<byte[]?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken);

    // Removing one already gone is not an error.
    Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken);

    Task PostponeAsync(LedgerEntry entry, string body, DateTimeOffset due, CancellationToken cancellationToken);

    // Delays counted from an entry's due time, so running an entry twice rewrites the same entries.
    IMessageQueue CountingFrom(DateTimeOffset origin);
}

// Runs: how many drains have run it unsettled.
public sealed record LedgerEntry(string Name, DateTimeOffset Due, int Runs = 0);

/// <summary>Runs a retry ledger nothing delivers by itself (<c>cos://</c>; Lambda polls SQS).</summary>
public interface IRetryDrain
{
    Task<InvocationResult> DrainAsync(Invocation invocation);
}
