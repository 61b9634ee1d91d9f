namespace MultipartAbort.Core.Ports;

/// <summary>
/// A retry queue kept as entries in the store itself (IBM Cloud has no SQS): sending writes an entry, and
/// <see cref="Handlers.RetryLedgerDrain"/> reads the due ones back. Failures throw <see cref="QueueException"/>.
/// </summary>
public interface IRetryLedger : IMessageQueue
{
    /// <summary>The entries due at <paramref name="now"/> or earlier, in due order, streamed page by page.</summary>
    IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The entry's body, or null when it is gone (another drain settled it first).</summary>
    Task<string?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes a settled entry; removing one that is already gone is not an error.</summary>
    Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// While the returned scope is open on this async flow, whatever is re-queued or dead-lettered is named after
    /// <paramref name="entry"/> (its due time plus the delay, and the request's identity), so processing one entry
    /// twice (two drains at once, or a crash before its delete) writes the same entries again instead of new ones.
    /// </summary>
    IDisposable Follow(LedgerEntry entry);
}
