namespace MultipartAbort.Core.Ports;

/// <summary>
/// A retry queue kept as entries in the store itself (IBM Cloud has no SQS): sending writes an entry, and
/// <see cref="Handlers.RetryLedgerDrain"/> reads the due ones back. Failures throw <see cref="QueueException"/>.
/// </summary>
public interface IRetryLedger : IMessageQueue
{
    /// <summary>The entries due at <paramref name="now"/> or earlier, in due order, streamed page by page.</summary>
    IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The entry's bytes as stored (the drain reads them as strictly as any body), or null when it is gone (another drain settled it first).</summary>
    Task<byte[]?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes a settled entry; removing one that is already gone is not an error.</summary>
    Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>Writes an entry a drain could not settle again, due at <paramref name="due"/> with one more run counted, then removes it.</summary>
    Task PostponeAsync(LedgerEntry entry, string body, DateTimeOffset due, CancellationToken cancellationToken);

    /// <summary>
    /// This ledger, with delays counted from <paramref name="origin"/> instead of now: a drain sends what one entry's run
    /// re-queues through it (origin = the entry's due time), so running one entry twice (two drains at once, or a crash
    /// before its delete) writes the same entries again instead of new ones.
    /// </summary>
    IMessageQueue CountingFrom(DateTimeOffset origin);
}
