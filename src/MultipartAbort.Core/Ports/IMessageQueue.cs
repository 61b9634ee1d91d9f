namespace MultipartAbort.Core.Ports;

/// <summary>A queue the function sends requests to: the retry queue (to itself, later) or the dead-letter queue.</summary>
public interface IMessageQueue
{
    /// <summary>Where messages go, for logs and results (a URL, never a credential).</summary>
    string Address { get; }

    Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>The retry and dead-letter queues a deployment has; either may be missing.</summary>
public sealed record QueuePair(IMessageQueue? Retry, IMessageQueue? DeadLetter)
{
    public static QueuePair None { get; } = new(null, null);
}
