namespace MultipartAbort.Core.Ports;

public sealed class QueueException(string address, string message, bool isTransient, string? errorCode = null, Exception? inner = null)
    : Exception($"sending to {address} failed: {message}", inner)
{
    // A URL, never a credential.
    public string Address { get; } = address;

    public string? ErrorCode { get; } = errorCode;

    // False for errors a retry cannot fix (access denied, no such queue).
    public bool IsTransient { get; } = isTransient;
}
