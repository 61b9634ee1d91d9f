using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MultipartAbort.Lambda.Tests.Infrastructure;

/// <summary>
/// The Lambda Runtime API (2018-06-01) served on a loopback port by Kestrel: hands out queued events on
/// <c>next</c> (holding the request until one is queued, as Lambda does) and records what the runtime posts.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";
    private readonly WebApplication _app;
    private readonly Channel<PendingInvocation> _queue = Channel.CreateUnbounded<PendingInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RecordedAnswer>> _answers = new();
    private readonly TaskCompletionSource<RecordedAnswer> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _nextWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextCalls;

    private FakeRuntimeApi(WebApplication app) => _app = app;

    /// <summary>host:port, as AWS_LAMBDA_RUNTIME_API carries it.</summary>
    public string Address { get; private set; } = "";

    /// <summary>How many times the runtime asked for an invocation.</summary>
    public int NextCalls => Volatile.Read(ref _nextCalls);

    /// <summary>When set, <c>next</c> answers with this status instead of an event (a broken Runtime API).</summary>
    public HttpStatusCode? FailNextWith { get; set; }

    /// <summary>When set, <c>response</c> answers with this status (413 for a too-large answer).</summary>
    public HttpStatusCode? RejectResponsesWith { get; set; }

    public Task<RecordedAnswer> InitError => _initError.Task;

    /// <summary>Completes once a <c>next</c> request has found no event queued and is held until one is.</summary>
    public Task NextIsWaiting => _nextWaiting.Task;

    public static async Task<FakeRuntimeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var api = new FakeRuntimeApi(app);
        app.MapGet(Prefix + "/invocation/next", api.NextAsync);
        app.MapPost(Prefix + "/invocation/{id}/response", ctx => api.RecordAsync(ctx, RecordedAnswer.Response));
        app.MapPost(Prefix + "/invocation/{id}/error", ctx => api.RecordAsync(ctx, RecordedAnswer.Error));
        app.MapPost(Prefix + "/init/error", ctx => api.RecordAsync(ctx, RecordedAnswer.InitError));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api.Address = new Uri(address).Authority;
        return api;
    }

    /// <summary>Queues an event; the task completes with what the runtime posts for it.</summary>
    public Task<RecordedAnswer> Enqueue(PendingInvocation invocation)
    {
        var answer = _answers.GetOrAdd(invocation.RequestId, _ => new TaskCompletionSource<RecordedAnswer>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(invocation);
        return answer.Task;
    }

    /// <summary>Queues an event with a deadline a minute away and a trace header.</summary>
    public Task<RecordedAnswer> Enqueue(string requestId, string eventJson) =>
        Enqueue(
            new PendingInvocation(requestId, eventJson)
            {
                Deadline = DateTimeOffset.UtcNow.AddMinutes(1),
                TraceHeader = TraceHeaderFor(requestId),
            }
        );

    /// <summary>A well-formed X-Ray header whose Root differs per request.</summary>
    public static string TraceHeaderFor(string requestId) => $"Root={RootFor(requestId)};Parent=9a9197af755a6419;Sampled=1";

    public static string RootFor(string requestId) =>
        $"1-5bef4de7-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(requestId)))[..24]}";

    private async Task NextAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref _nextCalls);
        if (FailNextWith is { } status)
        {
            ctx.Response.StatusCode = (int)status;
            await ctx.Response.WriteAsync("{\"errorMessage\":\"injected\",\"errorType\":\"Test.Injected\"}");
            return;
        }
        PendingInvocation next;
        try
        {
            if (!_queue.Reader.TryRead(out next!))
            {
                _nextWaiting.TrySetResult();
                next = await _queue.Reader.ReadAsync(ctx.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
        if (next.Deadline is { } deadline)
            ctx.Response.Headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        if (next.FunctionArn is { } arn)
            ctx.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = arn;
        if (next.TraceHeader is { } trace)
            ctx.Response.Headers["Lambda-Runtime-Trace-Id"] = trace;
        if (next.EventBytes is { } bytes)
            await ctx.Response.Body.WriteAsync(bytes);
        else
            await ctx.Response.WriteAsync(next.Event);
    }

    private async Task RecordAsync(HttpContext ctx, string kind)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync();
        var answer = new RecordedAnswer(kind, body, ctx.Request.ContentType, ctx.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault());
        if (kind == RecordedAnswer.Response && RejectResponsesWith is { } reject)
        {
            ctx.Response.StatusCode = (int)reject;
            await ctx.Response.WriteAsync("{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\",\"errorType\":\"RequestEntityTooLarge\"}");
            return;
        }
        if (kind == RecordedAnswer.InitError)
            _initError.TrySetResult(answer);
        else
            _answers.GetOrAdd((string)ctx.Request.RouteValues["id"]!, _ => new TaskCompletionSource<RecordedAnswer>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(answer);
        ctx.Response.StatusCode = 202;
        await ctx.Response.WriteAsync("{\"status\":\"OK\"}");
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
            await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
