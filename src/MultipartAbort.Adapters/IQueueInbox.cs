namespace MultipartAbort.Adapters;

/// <summary>For <c>mpa dlq</c>; the function never receives, so this is not a Core port.</summary>
public interface IQueueInbox
{
    /// <summary>A URL, never a credential.</summary>
    string Address { get; }

    /// <summary>At most 10.</summary>
    Task<IReadOnlyList<InboxMessage>> ReceiveAsync(int max, TimeSpan visibility, CancellationToken cancellationToken);

    Task DeleteAsync(InboxMessage message, CancellationToken cancellationToken);

    /// <summary>Visible again at once: a listing leaves the queue as it found it.</summary>
    Task ReleaseAsync(InboxMessage message, CancellationToken cancellationToken);
}
