namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// One thing a <see cref="LoopbackS3Proxy"/> does to the traffic (delay, fail, page, land parts). Behaviours are
/// middleware: each may answer a request itself or pass it on with <c>next</c>; the first one given is outermost.
/// </summary>
public abstract class ProxyBehaviour
{
    public abstract Task HandleAsync(S3Exchange exchange, Func<Task> next);
}
