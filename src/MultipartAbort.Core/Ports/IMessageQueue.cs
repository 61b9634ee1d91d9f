namespace MultipartAbort.Core.Ports;

/// <summary>The retry queue (to itself, later) or the dead-letter queue.</summary>
public interface IMessageQueue
{
    // A URL, never a credential.
    string Address { get; }

    Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken);
}

public sealed record QueuePair(IMessageQueue? Retry, IMessageQueue? DeadLetter)
{
    public static QueuePair None { get; } = new(null, null);
}

public sealed class QueueException(string address, string message, bool isTransient, string? errorCode = null, Exception? inner = null)
    : Exception($"sending to {address} failed: {message}", inner)
{
    // A URL, never a credential.
    public string Address { get; } = address;

    public string? ErrorCode { get; } = errorCode;

    // False for errors a retry cannot fix (access denied, no such queue).
    public bool IsTransient { get; } = isTransient;
}
