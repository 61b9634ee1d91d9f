namespace MultipartAbort.Core.Ports;

/// <summary>Sending to the retry or dead-letter queue failed.</summary>
public sealed class QueueException(string address, string message, bool isTransient, string? errorCode = null, Exception? inner = null)
    : Exception($"sending to {address} failed: {message}", inner)
{
    /// <summary>The queue's address (a URL, never a credential).</summary>
    public string Address { get; } = address;

    /// <summary>The service's error code when it gave one (AccessDenied, QueueDoesNotExist, ThrottlingException...).</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>False for errors a retry cannot fix (access denied, no such queue).</summary>
    public bool IsTransient { get; } = isTransient;
}
