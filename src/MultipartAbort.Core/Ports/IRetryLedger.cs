namespace MultipartAbort.Core.Ports;

/// <summary>A retry queue kept as entries in the store (IBM Cloud has no SQS); failures throw <see cref="QueueException"/>.</summary>
public interface IRetryLedger : IMessageQueue
{
    /// <summary>The entries due at <paramref name="now"/> or earlier, in due order, streamed page by page.</summary>
    IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The entry's bytes, or null when another drain settled it first.</summary>
    Task<byte[]?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes a settled entry; removing one that is already gone is not an error.</summary>
    Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>Rewrites an unsettled entry, due at <paramref name="due"/> with one more run, then removes it.</summary>
    Task PostponeAsync(LedgerEntry entry, string body, DateTimeOffset due, CancellationToken cancellationToken);

    /// <summary>
    /// This ledger with delays counted from <paramref name="origin"/> (an entry's due time), so running an entry twice rewrites the same entries.
    /// </summary>
    IMessageQueue CountingFrom(DateTimeOffset origin);
}
