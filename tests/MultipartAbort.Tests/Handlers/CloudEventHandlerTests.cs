using System.Text;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Security;
using MultipartAbort.Testing;
using MultipartAbort.Tests.Workflow;
using Microsoft.Extensions.Time.Testing;

namespace MultipartAbort.Tests.Handlers;

public sealed class CloudEventHandlerTests
{
    private const string Secret = "unit-test-secret";
    private readonly ScriptedObjectStore _store = new();

    private sealed class RecordingDrain(Func<InvocationResult>? answer = null, StoreException? failWith = null) : IRetryDrain
    {
        public int Calls { get; private set; }

        public Task<InvocationResult> DrainAsync(Invocation invocation)
        {
            Calls++;
            if (failWith is not null)
                throw failWith;
            return Task.FromResult(answer?.Invoke() ?? InvocationResult.From([]));
        }
    }

    private FunctionServices Services(Settings settings, IRetryDrain? drain) =>
        FunctionServices.Create(settings with { ReabortBackoff = TimeSpan.Zero }, _store, QueuePair.None, TextWriter.Null, LogLevel.None, new FakeTimeProvider(WorkflowHarness.Now), drain);

    private static CloudEventDelivery Tick() => new("tick-1", "/pingsources/tick", CloudEventDelivery.PingType, ReadOnlyMemory<byte>.Empty);

    private static Settings Trusted(params SweepTarget[] targets) => new() { CloudEventsTrusted = true, SweepTargets = targets };

    [Fact]
    public async Task Tick_WithSweepTargetsAndADrain_SweepsThenDrainsAndCountsBoth()
    {
        _store.Add("bkt-1", "k1", "u1", parts: 1);
        var drain = new RecordingDrain(() => InvocationResult.From([AbortResult.Rejected("bkt-2", "k2", "u2", 3, "ledger entry refused")]));
        var services = Services(Trusted(new SweepTarget("bkt-1", null, TimeSpan.Zero)), drain);

        var answer = await services.Webhooks.HandleAsync("POST", null, [], Tick(), services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(200);
        drain.Calls.Should().Be(1);
        answer.Result!.Summary[AbortOutcome.Aborted].Should().Be(1, MultipartAbort.Core.Serialization.ResultJson.ResultText(answer.Result));
        answer.Result.Summary[AbortOutcome.Rejected].Should().Be(1);
        answer.Result.Sweeps.Should().ContainSingle().Which.Bucket.Should().Be("bkt-1");
    }

    [Fact]
    public async Task Tick_WithADrainButNoSweepTargets_OnlyDrains()
    {
        var drain = new RecordingDrain();
        var services = Services(Trusted(), drain);

        var answer = await services.Webhooks.HandleAsync("POST", null, [], Tick(), services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(200);
        drain.Calls.Should().Be(1);
        answer.Result!.Summary.Total.Should().Be(0, "nothing was rejected: draining is all a tick has to do here");
    }

    [Fact]
    public async Task Tick_WithADrainAndReportTargetsButNoSweepTargets_DrainsThenReports()
    {
        _store.Add("bkt-1", "k1", "u1", parts: 2);
        var drain = new RecordingDrain();
        var services = Services(new Settings { CloudEventsTrusted = true, ReportTargets = ["bkt-1"] }, drain);

        var answer = await services.Webhooks.HandleAsync("POST", null, [], Tick(), services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(200, answer.Body);
        drain.Calls.Should().Be(1);
        answer.Result!.Report.Should().NotBeNull(answer.Body);
        answer.Result.Report!.Buckets.Should().ContainSingle().Which.Bucket.Should().Be("bkt-1");
        answer.Body.Should().Contain("\"report\"");
    }

    [Fact]
    public async Task Tick_WhenTheDrainCannotReadTheLedger_StillSweepsAndAnswers5xxSoTheTickIsSentAgain()
    {
        _store.Add("bkt-1", "k1", "u1", parts: 1);
        var drain = new RecordingDrain(failWith: new StoreException("ListObjectsV2", "SlowDown", isTransient: true));
        var services = Services(Trusted(new SweepTarget("bkt-1", null, TimeSpan.Zero)), drain);

        var answer = await services.Webhooks.HandleAsync("POST", null, [], Tick(), services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(502, answer.Body);
        answer.Body.Should().Contain("the retry ledger could not be drained").And.Contain("SlowDown");
        answer.Result!.Skipped.Should().ContainSingle().Which.Should().StartWith("retry ledger:");
        answer.Result.Summary[AbortOutcome.Aborted].Should().Be(1, "a failed drain starves nothing: the sweeps still run");
    }

    [Fact]
    public async Task Tick_WhenNotTrustedAndUnsigned_Answers401AndNeitherSweepsNorDrains()
    {
        _store.Add("b1", "k1", "u1", parts: 1);
        var drain = new RecordingDrain();
        var services = Services(new Settings { WebhookSecret = new Secret(Secret), SweepTargets = [new SweepTarget("b1", null, TimeSpan.Zero)] }, drain);

        var answer = await services.Webhooks.HandleAsync("POST", null, [], Tick(), services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(401);
        drain.Calls.Should().Be(0);
        _store.ListUploadsCalls.Should().Be(0);
        _store.AbortCalls.Should().Be(0);
    }

    [Fact]
    public async Task Event_WhenNotTrustedButSignedOverTheRawBody_Runs()
    {
        _store.Add("bucket-1", "k1", "u1", parts: 1);
        var services = Services(new Settings { WebhookSecret = new Secret(Secret) }, null);
        var body = Encoding.UTF8.GetBytes("""{"bucket":"bucket-1","key":"k1","uploadId":"u1"}""");
        var signature = WebhookSignature.Sign(Secret, WorkflowHarness.Now.ToUnixTimeSeconds(), body);

        var answer = await services.Webhooks.HandleAsync("POST", signature, body, new CloudEventDelivery("e1", "/s", "com.example.expired", body), services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(200, answer.Body);
        answer.Result!.Summary[AbortOutcome.Aborted].Should().Be(1, answer.Body);
    }

    [Fact]
    public async Task Event_WhenTheDataIsMalformed_Answers400()
    {
        var services = Services(Trusted(), null);
        var data = Encoding.UTF8.GetBytes("""{"bucket_name":"b1"}""");

        var answer = await services.Webhooks.HandleAsync("POST", null, data, new CloudEventDelivery("e1", "/s", "com.example.expired", data), services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(400);
        answer.Body.Should().Contain("names no upload");
    }
}
