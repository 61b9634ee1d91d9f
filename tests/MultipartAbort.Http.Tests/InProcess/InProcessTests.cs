using System.Net;
using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;

namespace MultipartAbort.Http.Tests.InProcess;

/// <summary>What needs a fake clock or a seam the published binary does not have: the OpenWhisk deadline, the ledger drain.</summary>
public sealed class InProcessTests
{
    /// <summary>A store whose aborts wait until the request's token is cancelled (an abort the deadline must cut short).</summary>
    private sealed class StallingStore : ScriptedObjectStore
    {
        public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken)
        {
            Stalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class CountingDrain(Exception? failWith = null) : IRetryDrain
    {
        public int Calls;

        public Task<InvocationResult> DrainAsync(Invocation invocation)
        {
            Interlocked.Increment(ref Calls);
            return failWith is null ? Task.FromResult(InvocationResult.From([])) : Task.FromException<InvocationResult>(failWith);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Run_WhenTheDeadlineArrivesWhileAnAbortIsInFlight_AnswersTheResultInsteadOfWaiting()
    {
        var store = new StallingStore();
        store.Add("my-bucket", "k", "u", parts: 1);
        await using var host = await InProcessHost.StartAsync(new Settings { CloudEventsTrusted = true }, store);
        var deadline = host.Time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds();

        var run = host.Client.PostAsync("/run", Json($$"""{"value":{"bucket":"my-bucket","key":"k","uploadId":"u"},"activation_id":"a1","deadline":{{deadline}}}"""));
        await store.Stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(30));
        using var response = await run.WaitAsync(TimeSpan.FromSeconds(30));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        // The store call is cut off near the deadline and the answer still comes, with the upload accounted for.
        response.StatusCode.Should().Be(HttpStatusCode.BadGateway, body.RootElement.ToString());
        body.RootElement.ToString().Should().Contain("failed");
    }

    /// <summary>A binary-mode ping as Code Engine's cron subscription sends it: empty data, the tick.</summary>
    private static HttpRequestMessage Ping(string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = Json("") };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", id);
        request.Headers.Add("ce-source", "/pingsources/tick");
        request.Headers.Add("ce-type", "dev.knative.sources.ping");
        return request;
    }

    [Fact]
    public async Task Tick_WithARetryDrain_DrainsItBeforeAnswering()
    {
        var drain = new CountingDrain();
        await using var host = await InProcessHost.StartAsync(new Settings { CloudEventsTrusted = true }, new ScriptedObjectStore(), drain);
        using var request = Ping("tick-1");

        using var response = await host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        drain.Calls.Should().Be(1);
    }

    [Fact]
    public async Task Tick_WhenTheDrainFails_Answers5xxSoTheSubscriptionSendsItAgain()
    {
        var drain = new CountingDrain(new StoreException("ListObjectsV2", "SlowDown: reduce your request rate", isTransient: true));
        await using var host = await InProcessHost.StartAsync(new Settings { CloudEventsTrusted = true }, new ScriptedObjectStore(), drain);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{\"specversion\":\"1.0\",\"id\":\"t\",\"source\":\"/s\",\"type\":\"dev.knative.sources.ping\"}", Encoding.UTF8, "application/cloudevents+json") };

        using var response = await host.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await response.Content.ReadAsStringAsync()).Should().Contain("SlowDown");
    }

    [Fact]
    public async Task Tick_WhenTheDrainHasABug_AnswersAJson500NamingTheEvent_WithOneCriticalLine()
    {
        var drain = new CountingDrain(new InvalidOperationException("a bug in the drain"));
        await using var host = await InProcessHost.StartAsync(new Settings { CloudEventsTrusted = true }, new ScriptedObjectStore(), drain);
        using var request = Ping("tick-9");

        using var response = await host.Client.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        body.RootElement.GetProperty("error").GetString().Should().Contain("tick-9").And.NotContain("a bug in the drain");
        var critical = host.Logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.GetProperty("level").GetString() == "Critical").ToList();
        critical.Should().ContainSingle();
        critical[0].GetProperty("message").GetString().Should().Contain("CloudEvent").And.Contain("tick-9").And.Contain("a bug in the drain");
        critical[0].GetProperty("function_request_id").GetString().Should().Be("tick-9");
    }
}
