using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Security;

namespace MultipartAbort.Tests.Workflow;

public class EventRouterTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    private static async Task<JsonElement> Handle(WorkflowHarness h, string json)
    {
        var services = h.Services();
        var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));
        return JsonDocument.Parse(response.Body).RootElement;
    }

    private static string SqsBatch(params (string Id, string Body)[] records)
    {
        var root = JsonNode.Parse(Sample("sqs-batch.json"))!;
        var template = root["Records"]![0]!.ToJsonString();
        var array = new JsonArray();
        foreach (var (id, body) in records)
        {
            var record = JsonNode.Parse(template)!;
            record["messageId"] = id;
            record["body"] = body;
            array.Add(record);
        }
        root["Records"] = array;
        return root.ToJsonString();
    }

    [Fact]
    public async Task Handle_DirectEvent_ReturnsSpecResult()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "k", "u", parts: 1);

        var root = await Handle(h, """{"bucket":"bkt","key":"k","uploadId":"u"}""");

        var result = root.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("aborted");
        result.GetProperty("abortCalls").GetInt32().Should().Be(1);
        result.GetProperty("partsRemaining").GetInt32().Should().Be(0);
        root.GetProperty("summary").GetProperty("aborted").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task Handle_SqsBatch_RequeuesTransientFailuresAndDeadLettersPoison()
    {
        var h = new WorkflowHarness();
        h.Store.Add("bkt", "ok", "u1", parts: 1);
        var json = SqsBatch(
            ("good", """{"bucket":"bkt","key":"ok","uploadId":"u1"}"""),
            ("poison", "not json at all"),
            ("bad-field", """{"bucket":"bkt","key":"k"}"""),
            ("transient", """{"bucket":"flaky","key":"k","uploadId":"u2"}""")
        );

        var response = await new FlakyBucketHarness(h, "flaky").HandleAsync(json);

        var failures = response.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()).ToArray();
        failures.Should().BeEmpty("the transient upload re-queued itself through the retry queue");
        h.Retry.Sent.Should().ContainSingle().Which.Body.Should().Contain("\"bucket\":\"flaky\"");
        var dead = h.DeadLetter.Sent.Select(m => JsonDocument.Parse(m.Body).RootElement).ToArray();
        dead.Should().HaveCount(2);
        dead.Should().Contain(d => d.GetProperty("messageId").GetString() == "poison" && d.GetProperty("reason").GetString()!.Contains("not valid JSON") && d.GetProperty("body").GetString() == "not json at all");
        dead.Should().Contain(d => d.GetProperty("messageId").GetString() == "bad-field" && d.GetProperty("reason").GetString() == "uploadId is missing");
        h.Store.Get("bkt", "ok", "u1")!.Aborted.Should().BeTrue();
    }

    /// <summary>Fails ListParts for one bucket only, so one SQS record fails transiently and the rest do not.</summary>
    private sealed class FlakyBucketHarness(WorkflowHarness h, string flaky)
    {
        public async Task<JsonElement> HandleAsync(string json)
        {
            var store = new FlakyStore(h.Store, flaky);
            var services = h.Services(store);
            var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None));
            return JsonDocument.Parse(response.Body).RootElement;
        }
    }

    private sealed class FlakyStore(IObjectStore inner, string flaky) : IObjectStore
    {
        public Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken ct) =>
            upload.Bucket == flaky ? throw new StoreException("AbortMultipartUpload", "HTTP 503", true) : inner.AbortAsync(upload, ct);

        public Task<PartsPage?> ListPartsAsync(UploadRef upload, int? marker, CancellationToken ct) =>
            upload.Bucket == flaky ? throw new StoreException("ListParts", "HTTP 503", true) : inner.ListPartsAsync(upload, marker, ct);

        public Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken ct) => inner.ListUploadsAsync(listing, ct);
    }

    [Fact]
    public async Task Handle_SqsPoisonWithoutDeadLetterQueue_IsListedSoNothingIsLost()
    {
        var h = new WorkflowHarness { WithQueues = false };

        var response = await Handle(h, SqsBatch(("poison", "{}")));

        response.GetProperty("batchItemFailures")[0].GetProperty("itemIdentifier").GetString().Should().Be("poison");
    }

    private static string SignedFunctionUrl(string body, string? signature)
    {
        var root = JsonNode.Parse(Sample("function-url.json"))!;
        root["body"] = body;
        var headers = root["headers"]!.AsObject();
        headers.Remove("x-signature");
        if (signature is not null)
            headers["x-signature"] = signature;
        return root.ToJsonString();
    }

    [Fact]
    public async Task Handle_FunctionUrlWithGoodSignature_Runs()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, WebhookSecret = new Secret("hook") } };
        h.Store.Add("bkt", "k", "u", parts: 1);
        var body = """{"bucket":"bkt","key":"k","uploadId":"u"}""";

        var response = await Handle(h, SignedFunctionUrl(body, WebhookSignature.Sign("hook", WorkflowHarness.Now.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes(body))));

        response.GetProperty("statusCode").GetInt32().Should().Be(200);
        response.GetProperty("headers").GetProperty("Content-Type").GetString().Should().Be("application/json");
        var inner = JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement;
        inner.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
    }

    [Theory]
    [InlineData("hook", "t=1,v1=00", "outside the allowed skew")]
    [InlineData("hook", null, "header is missing")]
    [InlineData(null, "t=1,v1=00", "WEBHOOK_SECRET is not configured")]
    public async Task Handle_FunctionUrlWithBadSignature_Is401AndTouchesNothing(string? secret, string? signature, string expected)
    {
        var h = new WorkflowHarness { Settings = new Settings { WebhookSecret = secret is null ? null : new Secret(secret) } };
        h.Store.Add("bkt", "k", "u", parts: 1);

        var response = await Handle(h, SignedFunctionUrl("""{"bucket":"bkt","key":"k","uploadId":"u"}""", signature));

        response.GetProperty("statusCode").GetInt32().Should().Be(401);
        response.GetProperty("body").GetString().Should().Contain(expected);
        (h.Store.AbortCalls + h.Store.ListPartsCalls).Should().Be(0);
    }

    [Fact]
    public async Task Handle_ApiGatewayV2Base64Body_IsDecodedBeforeTheSignatureCheck()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, WebhookSecret = new Secret("hook") } };
        var root = JsonNode.Parse(Sample("apigw-v2-base64.json"))!;
        var raw = Convert.FromBase64String(root["body"]!.GetValue<string>());
        root["headers"]!["X-Signature"] = WebhookSignature.Sign("hook", WorkflowHarness.Now.ToUnixTimeSeconds(), raw);

        var response = await Handle(h, root.ToJsonString());

        response.GetProperty("statusCode").GetInt32().Should().Be(200);
        response.GetProperty("body").GetString().Should().Contain("already-gone");
    }

    [Fact]
    public async Task Handle_ApiGatewayV1WithMalformedBody_Is400()
    {
        var h = new WorkflowHarness { Settings = new Settings { WebhookSecret = new Secret("hook") } };
        var root = JsonNode.Parse(Sample("apigw-v1.json"))!;
        root["body"] = "{\"bucket\":";
        var signature = WebhookSignature.Sign("hook", WorkflowHarness.Now.ToUnixTimeSeconds(), Encoding.UTF8.GetBytes("{\"bucket\":"));
        root["headers"]!["X-Signature"] = signature;
        root["multiValueHeaders"]!["X-Signature"] = new JsonArray(signature);

        var response = await Handle(h, root.ToJsonString());

        response.GetProperty("statusCode").GetInt32().Should().Be(400);
        response.GetProperty("body").GetString().Should().Contain("not valid JSON");
    }

    [Fact]
    public async Task Handle_ScheduledEventWithoutTargets_IsRejectedNamingSweepTargets()
    {
        var h = new WorkflowHarness();

        var root = await Handle(h, Sample("eventbridge-scheduled.json"));

        root.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("rejected");
        root.GetProperty("results")[0].GetProperty("message").GetString().Should().Contain("SWEEP_TARGETS").And.Contain("REPORT_TARGETS").And.Contain("RETRY_QUEUE_URL");
    }

    [Fact]
    public async Task Handle_ScheduledEventWithTargets_SweepsThem()
    {
        var h = new WorkflowHarness { Settings = new Settings { ReabortBackoff = TimeSpan.Zero, SweepTargets = [new SweepTarget("bkt", "tmp/", TimeSpan.FromDays(1))] } };
        h.Store.Add("bkt", "tmp/a", "1", initiated: WorkflowHarness.Now.AddDays(-2));
        h.Store.Add("bkt", "tmp/b", "2", initiated: WorkflowHarness.Now.AddHours(-1));
        h.Store.Add("bkt", "keep/c", "3", initiated: WorkflowHarness.Now.AddDays(-2));

        var root = await Handle(h, Sample("eventbridge-scheduled.json"));

        var sweep = root.GetProperty("summary").GetProperty("sweep");
        sweep.GetProperty("listed").GetInt32().Should().Be(2);
        sweep.GetProperty("matched").GetInt32().Should().Be(1);
        sweep.GetProperty("aborted").GetInt32().Should().Be(1);
        h.Store.Get("bkt", "tmp/a", "1")!.Aborted.Should().BeTrue();
        h.Store.Get("bkt", "tmp/b", "2")!.Aborted.Should().BeFalse();
        h.Store.Get("bkt", "keep/c", "3")!.Aborted.Should().BeFalse();
    }

    [Fact]
    public async Task Handle_Batch_RunsEveryEntryAndKeepsOrder()
    {
        var h = new WorkflowHarness();
        for (var i = 0; i < 40; i++)
            h.Store.Add("bkt", $"k{i}", $"u{i}");

        var uploads = string.Join(",", Enumerable.Range(0, 40).Select(i => $$"""{"bucket":"bkt","key":"k{{i}}","uploadId":"u{{i}}"}"""));
        var root = await Handle(h, $$"""{"uploads":[{{uploads}},{"bucket":"bkt"}]}""");

        var results = root.GetProperty("results").EnumerateArray().ToArray();
        results.Should().HaveCount(41);
        results.Take(40).Select(r => r.GetProperty("key").GetString()).Should().Equal(Enumerable.Range(0, 40).Select(i => $"k{i}"));
        results[40].GetProperty("outcome").GetString().Should().Be("rejected");
        root.GetProperty("summary").GetProperty("aborted").GetInt32().Should().Be(40);
        root.GetProperty("summary").GetProperty("rejected").GetInt32().Should().Be(1);
    }
}
