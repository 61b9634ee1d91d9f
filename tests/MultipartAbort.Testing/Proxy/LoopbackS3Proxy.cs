using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// A loopback HTTP proxy (Kestrel) in front of a path-style S3 store such as moto, for tests and benchmarks.
/// What it does to the traffic is a chain of <see cref="ProxyBehaviour"/>s that compose, e.g. a
/// <see cref="ListingPager"/> with listing bugs, a <see cref="FaultInjection"/>, a <see cref="FixedLatency"/> and
/// <see cref="LatePartsAfterAbort"/>; with none it forwards every request as it is. It records the aborts the
/// client sent, whatever the behaviours then made of them.
/// </summary>
public sealed class LoopbackS3Proxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _store;
    private readonly ProxyBehaviour[] _behaviours;
    private int _requests;

    private LoopbackS3Proxy(WebApplication app, Uri store, ProxyBehaviour[] behaviours)
    {
        _app = app;
        _store = store;
        _behaviours = behaviours;
        _upstream = new HttpClient(
            new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                MaxConnectionsPerServer = 256,
            }
        )
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Where clients send their requests (http://127.0.0.1:port/).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ProxyBehaviour> Behaviours => _behaviours;

    /// <summary>AbortMultipartUpload requests the client sent, by upload id.</summary>
    public ConcurrentDictionary<string, int> AbortsByUploadId { get; } = new();

    /// <summary>Every request the client sent.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts on a free loopback port.</summary>
    public static Task<LoopbackS3Proxy> StartAsync(Uri store, params ProxyBehaviour[] behaviours) => StartAsync(store, new IPEndPoint(IPAddress.Loopback, 0), behaviours);

    public static async Task<LoopbackS3Proxy> StartAsync(Uri store, IPEndPoint listen, params ProxyBehaviour[] behaviours)
    {
        if (!IPAddress.IsLoopback(listen.Address))
            throw new ArgumentException($"the proxy listens on loopback only, not {listen.Address}", nameof(listen));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(listen);
            o.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var proxy = new LoopbackS3Proxy(app, store, behaviours);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return proxy;
    }

    /// <summary>The behaviour of the given type (the first, if several were given).</summary>
    public T Behaviour<T>()
        where T : ProxyBehaviour => _behaviours.OfType<T>().FirstOrDefault() ?? throw new InvalidOperationException($"this proxy has no {typeof(T).Name}");

    private Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var exchange = new S3Exchange(context, _upstream, _store);
        if (exchange.IsAbort)
            AbortsByUploadId.AddOrUpdate(exchange.UploadId!, 1, (_, n) => n + 1);
        return Run(0);

        Task Run(int i) => i < _behaviours.Length ? _behaviours[i].HandleAsync(exchange, () => Run(i + 1)) : exchange.ForwardAsync();
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
