using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Security;
using MultipartAbort.Testing;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Hardening;

/// <summary>Issue 9 defects 2 and 3: each upload of an SQS body settles on its own; envelopes inside bodies are unwrapped.</summary>
public class SqsSettlementTests
{
    private static async Task<JsonElement> HandleAsync(WorkflowHarness h, string json, ScriptedObjectStore? store = null)
    {
        var services = h.Services(store);
        var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));
        return JsonDocument.Parse(response.Body).RootElement;
    }

    private static string[] Listed(JsonElement answer) => answer.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!).ToArray();

    /// <summary>ListParts and aborts fail (503) for one key only.</summary>
    private sealed class FlakyKeyStore(string flakyKey) : ScriptedObjectStore
    {
        public override Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken ct) =>
            upload.Key == flakyKey ? throw new StoreException("AbortMultipartUpload", "SlowDown: reduce your request rate", true, "SlowDown") : base.AbortAsync(upload, ct);

        public override Task<PartsPage?> ListPartsAsync(UploadRef upload, int? marker, CancellationToken ct) =>
            upload.Key == flakyKey ? throw new StoreException("ListParts", "SlowDown: reduce your request rate", true, "SlowDown") : base.ListPartsAsync(upload, marker, ct);
    }

    private static readonly string ThreeUploads =
        $$"""{"uploads":[{{DeadlineHarness.Upload("bkt", "a", "1")}},{{DeadlineHarness.Upload("bkt", "flaky", "2")}},{{DeadlineHarness.Upload("bkt", "c", "3")}}]}""";

    [Fact]
    public async Task SqsRecord_WhenOneUploadOfABodyFailsTransiently_RequeuesThatUploadAloneAndDoesNotListTheRecord()
    {
        var h = new WorkflowHarness();
        var store = new FlakyKeyStore("flaky");
        store.Add("bkt", "a", "1");
        store.Add("bkt", "c", "3");

        var answer = await HandleAsync(h, DeadlineHarness.SqsEvent([("m1", ThreeUploads)]), store);

        Listed(answer).Should().BeEmpty("the other uploads are done; redelivering the record would repeat them");
        var requeued = h.Retry.Sent.Should().ContainSingle().Subject;
        var body = JsonDocument.Parse(requeued.Body).RootElement;
        body.GetProperty("key").GetString().Should().Be("flaky");
        body.GetProperty("attempt").GetInt32().Should().Be(1);
        store.Get("bkt", "a", "1")!.Aborted.Should().BeTrue();
        store.Get("bkt", "c", "3")!.Aborted.Should().BeTrue();
    }

    [Fact]
    public async Task SqsRecord_WhenTheFailedUploadCannotBeRequeued_ListsTheRecord()
    {
        var h = new WorkflowHarness();
        h.Retry.FailWith = new QueueException("memory://retry", "ServiceUnavailable", true);
        var store = new FlakyKeyStore("flaky");

        var answer = await HandleAsync(h, DeadlineHarness.SqsEvent([("m1", ThreeUploads)]), store);

        Listed(answer).Should().Equal("m1");
    }

    [Fact]
    public async Task SqsRecord_WhenABodyMixesRejectedAndValidUploads_DeadLettersOnlyTheRejectedOnesWithTheirReason()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "a", "1");
        var body = $$"""{"uploads":[{{DeadlineHarness.Upload("bkt", "a", "1")}},{"bucket":"bkt","key":"no-id"}]}""";

        var answer = await HandleAsync(h, DeadlineHarness.SqsEvent([("m1", body)]));

        Listed(answer).Should().BeEmpty();
        var dead = JsonDocument.Parse(h.DeadLetter.Sent.Should().ContainSingle().Subject.Body).RootElement;
        dead.GetProperty("reason").GetString().Should().Be("uploads[1].uploadId is missing");
        dead.GetProperty("messageId").GetString().Should().Be("m1");
        JsonDocument.Parse(dead.GetProperty("body").GetString()!).RootElement.GetProperty("key").GetString().Should().Be("no-id", "only the rejected upload, not the whole body");
        h.Store.Get("bkt", "a", "1")!.Aborted.Should().BeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task SqsRecord_WithoutMessageId_IsNeverListedUnderAMadeUpIdAndIsPassedOnInstead(string? id)
    {
        var h = new WorkflowHarness { WithQueues = true };
        h.Retry.FailWith = new QueueException("memory://retry", "ServiceUnavailable", true);
        var store = new FlakyKeyStore("flaky");

        var answer = await HandleAsync(h, DeadlineHarness.SqsEvent([(id, DeadlineHarness.Upload("bkt", "flaky", "2"))]), store);

        Listed(answer).Should().BeEmpty("Lambda fails the whole batch for an identifier it does not know");
        var dead = JsonDocument.Parse(h.DeadLetter.Sent.Should().ContainSingle().Subject.Body).RootElement;
        dead.GetProperty("reason").GetString().Should().Contain("no messageId");
        JsonDocument.Parse(dead.GetProperty("body").GetString()!).RootElement.GetProperty("key").GetString().Should().Be("flaky");
    }

    public static TheoryData<string, string> Envelopes =>
        new()
        {
            { "EventBridge", $$"""{"version":"0","id":"e-1","detail-type":"Multipart Upload Expired","source":"custom.cos","account":"123456789012","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{{DeadlineHarness.Upload("bkt", "k", "u")}}}""" },
            { "CloudEvent", $$"""{"specversion":"1.0","id":"c-1","source":"/cos","type":"com.example.abort","datacontenttype":"application/json","data":{{DeadlineHarness.Upload("bkt", "k", "u")}}}""" },
            { "CloudEvent base64", $$"""{"specversion":"1.0","id":"c-2","source":"/cos","type":"com.example.abort","data_base64":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(DeadlineHarness.Upload("bkt", "k", "u")))}}"}""" },
        };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task SqsBody_ThatIsAnEnvelope_IsUnwrappedAndRun(string shape, string envelope)
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "k", "u");

        var answer = await HandleAsync(h, DeadlineHarness.SqsEvent([("m1", envelope)]));

        Listed(answer).Should().BeEmpty(shape);
        h.DeadLetter.Sent.Should().BeEmpty($"a {shape} body is not poison");
        h.Store.Get("bkt", "k", "u")!.Aborted.Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task WebhookBody_ThatIsAnEnvelope_IsUnwrappedAndRun(string shape, string envelope)
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, WebhookSecret = new Secret("hook") } };
        h.Store.Add("bkt", "k", "u");
        var raw = Encoding.UTF8.GetBytes(envelope);

        var services = h.Services();
        var answer = await services.Webhooks.HandleAsync("POST", WebhookSignature.Sign("hook", WorkflowHarness.Now.ToUnixTimeSeconds(), raw), raw, null, services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(200, shape);
        answer.Body.Should().Contain("\"outcome\":\"aborted\"");
    }

    [Fact]
    public async Task SqsBody_ThatIsItselfAnSqsEvent_IsDeadLetteredNamingNestedEvents()
    {
        var h = new WorkflowHarness();
        var nested = DeadlineHarness.SqsEvent([("inner", DeadlineHarness.Upload("bkt", "k", "u"))]);

        var answer = await HandleAsync(h, DeadlineHarness.SqsEvent([("m1", nested)]));

        Listed(answer).Should().BeEmpty();
        JsonDocument.Parse(h.DeadLetter.Sent.Should().ContainSingle().Subject.Body).RootElement.GetProperty("reason").GetString().Should().Contain("nested events are not supported");
    }
}
