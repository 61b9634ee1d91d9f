using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MultipartAbort.Ibm.Tests.Infrastructure;

/// <summary>
/// A loopback "IBM COS" in front of moto: a request passes only with <c>Authorization: Bearer</c> and a token the IAM
/// server says is valid now, and without any trace of SigV4 (X-Amz-Date, an AWS4 Authorization, a presigned query).
/// Refusals are COS's 403 AccessDenied; accepted requests lose the bearer header and go on to moto.
/// </summary>
public sealed class BearerCosGateway : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Expect", "Authorization" };
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly IamTokenServer _iam;
    private int _accepted;

    private BearerCosGateway(WebApplication app, Uri target, IamTokenServer iam)
    {
        _app = app;
        _target = target;
        _iam = iam;
        _upstream = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None });
    }

    public Uri Endpoint { get; private set; } = null!;

    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Why each refused request was refused.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>The distinct bearer tokens accepted, in order of first use.</summary>
    public ConcurrentQueue<string> TokensSeen { get; } = new();

    public static async Task<BearerCosGateway> StartAsync(Uri moto, IamTokenServer iam)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new BearerCosGateway(app, moto, iam);
        app.Run(gateway.ForwardAsync);
        await app.StartAsync();
        gateway.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return gateway;
    }

    private string? Refuse(HttpRequest request)
    {
        if (request.Headers.ContainsKey("X-Amz-Date") || request.Query.ContainsKey("X-Amz-Signature") || request.Query.ContainsKey("X-Amz-Credential"))
            return "SigV4-signed";
        var auth = request.Headers.Authorization.ToString();
        if (auth.Length == 0)
            return "no Authorization";
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal))
            return $"not a bearer token ({auth.Split(' ')[0]})";
        var token = auth["Bearer ".Length..];
        if (!_iam.IsValid(token))
            return "token expired or unknown";
        if (!TokensSeen.Contains(token))
            TokensSeen.Enqueue(token);
        return null;
    }

    private async Task ForwardAsync(HttpContext ctx)
    {
        if (Refuse(ctx.Request) is { } why)
        {
            Refusals.Enqueue(why);
            ctx.Response.StatusCode = 403;
            ctx.Response.ContentType = "application/xml";
            await ctx.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
            return;
        }
        Interlocked.Increment(ref _accepted);
        var path = ctx.Request.Path.Value ?? "/";
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
