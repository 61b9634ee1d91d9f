namespace MultipartAbort.Core.Ports;

/// <summary>The retry queue (to itself, later) or the dead-letter queue.</summary>
public interface IMessageQueue
{
    // A URL, never a credential.
    string Address { get; }

    Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken);
}
