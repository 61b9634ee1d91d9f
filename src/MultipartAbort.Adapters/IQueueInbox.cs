namespace MultipartAbort.Adapters;

/// <summary>The receiving side of a queue, for <c>mpa dlq</c>; the function never receives, so this is not a Core port.</summary>
public interface IQueueInbox
{
    /// <summary>The queue's address (a URL, never a credential).</summary>
    string Address { get; }

    /// <summary>Up to <paramref name="max"/> (at most 10) messages, hidden for <paramref name="visibility"/>.</summary>
    Task<IReadOnlyList<InboxMessage>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>Removes a received message for good.</summary>
    Task DeleteAsync(InboxMessage message, CancellationToken cancellationToken);

    /// <summary>Makes a received message visible again at once (a listing leaves the queue as it found it).</summary>
    Task ReleaseAsync(InboxMessage message, CancellationToken cancellationToken);
}
