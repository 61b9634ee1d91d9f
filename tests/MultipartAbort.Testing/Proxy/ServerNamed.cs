namespace MultipartAbort.Testing.Proxy;

/// <summary>Answers under another store's name: its <c>Server</c> header on every answer (e.g. <c>MinIO</c>), the store behind unchanged.</summary>
public sealed class ServerNamed(string server) : ProxyBehaviour
{
    public override Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        var response = exchange.Context.Response;
        response.OnStarting(() =>
        {
            response.Headers.Server = server;
            return Task.CompletedTask;
        });
        return next();
    }
}
