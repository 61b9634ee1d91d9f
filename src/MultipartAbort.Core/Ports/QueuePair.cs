namespace MultipartAbort.Core.Ports;

public sealed record QueuePair(IMessageQueue? Retry, IMessageQueue? DeadLetter)
{
    public static QueuePair None { get; } = new(null, null);
}
