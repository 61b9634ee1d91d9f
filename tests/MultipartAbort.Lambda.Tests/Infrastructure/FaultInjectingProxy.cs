using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>
/// A loopback reverse proxy in front of moto's S3 (path-style requests) that answers 503 SlowDown-style errors
/// for one bucket: the store a function sees when a region has a bad moment, for transient-failure tests.
/// </summary>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Expect" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private int _injected;

    private FaultInjectingProxy(WebApplication app, Uri target)
    {
        _app = app;
        _target = target;
        _upstream = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Requests to this bucket get 503 Service Unavailable.</summary>
    public string? FailingBucket { get; set; }

    /// <summary>How many requests got the injected 503.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public static async Task<FaultInjectingProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new FaultInjectingProxy(app, target);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        proxy.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return proxy;
    }

    private async Task ForwardAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var bucket = path.TrimStart('/').Split('/', 2)[0];
        if (FailingBucket is { } failing && bucket == failing)
        {
            Interlocked.Increment(ref _injected);
            ctx.Response.StatusCode = 503;
            ctx.Response.ContentType = "application/xml";
            await ctx.Response.WriteAsync(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ServiceUnavailable</Code><Message>injected by the test proxy</Message></Error>"
            );
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), new Uri(_target, path + ctx.Request.QueryString));
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body);
        request.Content = new ByteArrayContent(body.ToArray());
        foreach (var (name, values) in ctx.Request.Headers)
        {
            if (HopByHop.Contains(name))
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!HopByHop.Contains(name))
                ctx.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(ctx.Response.Body);
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
