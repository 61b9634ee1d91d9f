namespace MultipartAbort.Testing.Proxy;

/// <summary>Holds every request for a fixed time before passing it on: a store one round trip of that length away.</summary>
public sealed class FixedLatency(TimeSpan delay) : ProxyBehaviour
{
    public TimeSpan Delay { get; set; } = delay;

    public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay, exchange.Aborted);
        await next();
    }
}
