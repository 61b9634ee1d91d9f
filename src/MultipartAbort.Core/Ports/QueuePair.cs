namespace MultipartAbort.Core.Ports;

/// <summary>The retry and dead-letter queues a deployment has; either may be missing.</summary>
public sealed record QueuePair(IMessageQueue? Retry, IMessageQueue? DeadLetter)
{
    public static QueuePair None { get; } = new(null, null);
}
