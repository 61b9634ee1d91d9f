using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Http;

namespace MultipartAbort.Http.Tests.InProcess;

/// <summary>The host's application on store doubles and a fake clock, served by TestServer (no socket, no publish).</summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessHost(WebApplication app, FakeTimeProvider time, StringWriter logs)
    {
        _app = app;
        Time = time;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public FakeTimeProvider Time { get; }
    public StringWriter Logs { get; }
    public HttpClient Client { get; }

    public static async Task<InProcessHost> StartAsync(Settings settings, IObjectStore store, IRetryDrain? drain = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var logs = new StringWriter();
        var services = FunctionServices.Create(settings with { ReabortBackoff = TimeSpan.Zero }, store, QueuePair.None, TextWriter.Synchronized(logs), LogLevel.Debug, time, drain);
        var app = HttpHost.Build([], services, new HostIdentity("in-process"), time, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return new InProcessHost(app, time, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
