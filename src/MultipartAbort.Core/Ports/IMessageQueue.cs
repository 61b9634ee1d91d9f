namespace MultipartAbort.Core.Ports;

/// <summary>A queue the function sends requests to: the retry queue (to itself, later) or the dead-letter queue.</summary>
public interface IMessageQueue
{
    /// <summary>Where messages go, for logs and results (a URL, never a credential).</summary>
    string Address { get; }

    Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken);
}
