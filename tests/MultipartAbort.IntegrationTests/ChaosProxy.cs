using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// A loopback reverse proxy in front of moto's S3 that misbehaves as a store under load does: a share of requests
/// answered 503 SlowDown or 500 InternalError at random (a fixed seed, so a run is repeatable up to scheduling), and
/// every ninth new connection reset on its first request. Counts what it did, for the report.
/// </summary>
public sealed class ChaosProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Expect" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    private readonly Uri _target;
    private readonly Random _random;
    private readonly double _faultRate;
    private readonly HashSet<string> _connections = [];
    private int _forwarded, _slowDowns, _internalErrors, _resets;

    private ChaosProxy(WebApplication app, Uri target, int seed, double faultRate)
    {
        _app = app;
        _target = target;
        _random = new Random(seed);
        _faultRate = faultRate;
    }

    public Uri Endpoint { get; private set; } = null!;
    public int Forwarded => Volatile.Read(ref _forwarded);
    public int SlowDowns => Volatile.Read(ref _slowDowns);
    public int InternalErrors => Volatile.Read(ref _internalErrors);
    public int Resets => Volatile.Read(ref _resets);

    public override string ToString() => $"forwarded {Forwarded}, 503 SlowDown {SlowDowns}, 500 InternalError {InternalErrors}, connections reset {Resets}";

    public static async Task<ChaosProxy> StartAsync(Uri target, int seed, double faultRate = 0.2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var proxy = new ChaosProxy(app, target, seed, faultRate);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return proxy;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        bool reset;
        double roll;
        lock (_random)
        {
            reset = _connections.Add(ctx.Connection.Id) && _connections.Count % 9 == 0;
            roll = _random.NextDouble();
        }
        if (reset)
        {
            Interlocked.Increment(ref _resets);
            ctx.Abort();
            return;
        }
        if (roll < _faultRate)
        {
            var slowDown = roll < _faultRate / 2;
            Interlocked.Increment(ref slowDown ? ref _slowDowns : ref _internalErrors);
            ctx.Response.StatusCode = slowDown ? 503 : 500;
            ctx.Response.ContentType = "application/xml";
            var code = slowDown ? "SlowDown" : "InternalError";
            await ctx.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the chaos proxy</Message></Error>");
            return;
        }

        Interlocked.Increment(ref _forwarded);
        // The request target exactly as sent (no dot-segment or escape normalisation), so odd keys reach moto as named.
        var raw = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
        var target = new Uri(_target.GetLeftPart(UriPartial.Authority) + raw, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), target);
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
