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
/// A loopback IBM IAM: <c>POST /identity/token</c> with the API-key grant, as IAM documents it. Issues opaque tokens
/// that live <see cref="Lifetime"/> on the test's clock, refuses any other key with IAM's error JSON, and can revoke
/// every token issued so far (what an expired or revoked token looks like to COS).
/// </summary>
public sealed class IamTokenServer : IAsyncDisposable
{
    public const string ValidKey = "valid-api-key-0123456789";
    public const string KeyNotFound = "Provided API key could not be found.";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiry = new();
    private int _issued;
    private int _refused;

    private IamTokenServer(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How long a token lives (expires_in).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public int Issued => Volatile.Read(ref _issued);
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Bodies of the token requests, to check the grant (never logged by the code under test).</summary>
    public ConcurrentQueue<string> RequestBodies { get; } = new();

    public ConcurrentQueue<string> AcceptHeaders { get; } = new();

    public static async Task<IamTokenServer> StartAsync(TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new IamTokenServer(app, time);
        app.MapPost("/identity/token", server.TokenAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>True when <paramref name="token"/> was issued here and has neither expired nor been revoked.</summary>
    public bool IsValid(string token) => _expiry.TryGetValue(token, out var expires) && _time.GetUtcNow() < expires;

    /// <summary>Every token issued so far stops working (COS will answer 403 to them).</summary>
    public void RevokeAll()
    {
        foreach (var token in _expiry.Keys)
            _expiry[token] = DateTimeOffset.MinValue;
    }

    private async Task TokenAsync(HttpContext ctx)
    {
        var form = await ctx.Request.ReadFormAsync();
        RequestBodies.Enqueue($"grant_type={form["grant_type"]}&apikey={form["apikey"]}&content-type={ctx.Request.ContentType}");
        AcceptHeaders.Enqueue(ctx.Request.Headers.Accept.ToString());
        if (form["grant_type"] != "urn:ibm:params:oauth:grant-type:apikey" || form["apikey"] != ValidKey)
        {
            Interlocked.Increment(ref _refused);
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(
                "{\"context\":{\"requestId\":\"r-1\",\"requestType\":\"incoming.Identity_Token\"},\"errorCode\":\"BXNIM0415E\",\"errorMessage\":\"" + KeyNotFound + "\"}"
            );
            return;
        }
        var n = Interlocked.Increment(ref _issued);
        var token = $"token-{n}-{Guid.NewGuid():N}";
        var now = _time.GetUtcNow();
        _expiry[token] = now + Lifetime;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(
            $"{{\"access_token\":\"{token}\",\"refresh_token\":\"not_supported\",\"token_type\":\"Bearer\",\"expires_in\":{(long)Lifetime.TotalSeconds},"
                + $"\"expiration\":{(now + Lifetime).ToUnixTimeSeconds()},\"scope\":\"ibm openid\"}}"
        );
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
