using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MultipartAbort.Http.Tests.Infrastructure;

/// <summary>
/// A loopback reverse proxy in front of moto's S3 (path-style requests) that can hold the requests for one bucket until the
/// test releases them (a request kept in flight, for the SIGTERM test), or answer them 503 (a transient store failure).
/// </summary>
public sealed class StoreGateway : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Expect" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StoreGateway(WebApplication app, Uri target)
    {
        _app = app;
        _target = target;
        _upstream = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Requests to this bucket wait until <see cref="Release"/>.</summary>
    public string? HeldBucket { get; set; }

    /// <summary>Requests to this bucket get 503 Service Unavailable.</summary>
    public string? FailingBucket { get; set; }

    /// <summary>Completes when the first request to <see cref="HeldBucket"/> is being held.</summary>
    public Task FirstHeld => _held.Task;

    public void Release() => _release.TrySetResult();

    public static async Task<StoreGateway> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new StoreGateway(app, target);
        app.Run(gateway.ForwardAsync);
        await app.StartAsync();
        gateway.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return gateway;
    }

    private async Task ForwardAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var bucket = path.TrimStart('/').Split('/', 2)[0];
        if (FailingBucket is { } failing && bucket == failing)
        {
            ctx.Response.StatusCode = 503;
            ctx.Response.ContentType = "application/xml";
            await ctx.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ServiceUnavailable</Code><Message>injected by the test gateway</Message></Error>");
            return;
        }
        if (HeldBucket is { } held && bucket == held)
        {
            _held.TrySetResult();
            await _release.Task;
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
        Release();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
