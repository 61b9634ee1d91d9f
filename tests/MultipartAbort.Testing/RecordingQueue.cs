using System.Collections.Concurrent;
using MultipartAbort.Core.Ports;

namespace MultipartAbort.Testing;

/// <summary>A queue double that keeps what was sent (for unit tests; integration tests use moto's SQS).</summary>
public sealed class RecordingQueue(string address = "memory://queue") : IMessageQueue
{
    public ConcurrentQueue<(string Body, TimeSpan Delay)> Sent { get; } = new();

    public QueueException? FailWith { get; set; }

    public string Address => address;

    public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (FailWith is { } ex)
            throw ex;
        Sent.Enqueue((body, delay));
        return Task.CompletedTask;
    }
}
