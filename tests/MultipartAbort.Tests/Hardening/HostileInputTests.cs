using System.Text;
using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Security;
using MultipartAbort.Testing;
using MultipartAbort.Tests.Workflow;

namespace MultipartAbort.Tests.Hardening;

/// <summary>
/// Generated malformed and hostile events through every entry reachable in-process (a Lambda event, an SQS record, a
/// signed webhook body, CloudEvent data, an OpenWhisk value): each is rejected (or 400, or dead-lettered as poison) with a
/// message naming the problem, no store call is made, the same services go on serving, and no secret leaks.
/// </summary>
public class HostileInputTests
{
    private const string WebhookSecret = "whsec-hostile-3f9c1a7e5b2d";
    private const string SecretKey = "cos-hmac-secret-9d8e7f6a5b4c";

    /// <summary>(name, body bytes, is it valid JSON, what the message must name).</summary>
    public static IEnumerable<(string Name, byte[] Body, bool IsJson, string Expected)> Variants()
    {
        static (string, byte[], bool, string) J(string name, string json, string expected) => (name, Encoding.UTF8.GetBytes(json), true, expected);
        static (string, byte[], bool, string) T(string name, string text, string expected) => (name, Encoding.UTF8.GetBytes(text), false, expected);

        yield return T("not json", "not json at all", "not valid JSON");
        yield return T("truncated", """{"bucket":"bkt","key":""", "not valid JSON");
        yield return T("empty", "", "empty");
        yield return T("blank", "   \n\t ", "empty");
        yield return T("trailing garbage", """{"bucket":"bkt"} x""", "not valid JSON");
        yield return T("single quotes", "{'bucket':'bkt'}", "not valid JSON");
        yield return ("invalid utf-8", [.. "{\"bucket\":\"b"u8, 0xC3, 0x28, .. "kt\",\"key\":\"k\",\"uploadId\":\"u\"}"u8], false, "not valid JSON");
        yield return ("overlong utf-8", [.. "{\"key\":\""u8, 0xC0, 0xAF, .. "\"}"u8], false, "not valid JSON");
        yield return T("deep nesting", string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200), "depth");
        yield return T("deep arrays", new string('[', 500) + new string(']', 500), "depth");
        yield return J("array", "[]", "object");
        yield return J("number", "42", "object");
        yield return J("string", "\"bucket\"", "object");
        yield return J("null", "null", "object");
        yield return J("empty object", "{}", "names no upload");
        yield return J("bucket number", """{"bucket":1,"key":"k","uploadId":"u"}""", "bucket must be a string");
        yield return J("key array", """{"bucket":"bkt","key":["k"],"uploadId":"u"}""", "key must be a string");
        yield return J("uploadId object", """{"bucket":"bkt","key":"k","uploadId":{"a":{"b":{"c":1}}}}""", "uploadId must be a string");
        yield return J("missing uploadId", """{"bucket":"bkt","key":"k"}""", "uploadId is missing");
        yield return J("missing key", """{"bucket":"bkt","uploadId":"u"}""", "key is missing");
        yield return J("null bucket", """{"bucket":null,"key":"k","uploadId":"u"}""", "bucket is missing");
        yield return J("empty key", """{"bucket":"bkt","key":"","uploadId":"u"}""", "key is empty");
        yield return J("empty bucket", """{"bucket":"","key":"k","uploadId":"u"}""", "bucket is empty");
        // 1 MB here to keep the unit project fast; the 10 MB strings go through mpa invoke in the integration tests.
        yield return J("1 MB key", $$"""{"bucket":"bkt","key":"{{new string('k', 1_000_000)}}","uploadId":"u"}""", "bytes of UTF-8");
        yield return J("1 MB bucket", $$"""{"bucket":"{{new string('b', 1_000_000)}}","key":"k","uploadId":"u"}""", "3 to 63 characters");
        yield return J("long bucket", $$"""{"bucket":"{{new string('b', 200)}}","key":"k","uploadId":"u"}""", "3 to 63 characters");
        yield return J("short bucket", """{"bucket":"ab","key":"k","uploadId":"u"}""", "3 to 63 characters");
        yield return J("slash bucket", """{"bucket":"a/b/c","key":"k","uploadId":"u"}""", "bucket may hold only");
        yield return J("space bucket", """{"bucket":"my bucket","key":"k","uploadId":"u"}""", "U+0020");
        yield return J("control bucket", """{"bucket":"bk\u0007t","key":"k","uploadId":"u"}""", "U+0007");
        yield return J("newline bucket", """{"bucket":"bkt\n","key":"k","uploadId":"u"}""", "U+000A");
        yield return J("ip bucket", """{"bucket":"10.0.0.1","key":"k","uploadId":"u"}""", "IP address");
        yield return J("dotdot bucket", """{"bucket":"a..b","key":"k","uploadId":"u"}""", "'..'");
        yield return J("nul key", """{"bucket":"bkt","key":"a\u0000b","uploadId":"u"}""", "U+0000");
        yield return J("lone surrogate key", """{"bucket":"bkt","key":"\udc00","uploadId":"u"}""", "not valid Unicode");
        yield return J("lone surrogate bucket", """{"bucket":"\ud800bkt","key":"k","uploadId":"u"}""", "not valid Unicode");
        yield return J("lone surrogate property name", """{"\ud800":1,"bucket":"bkt","key":"k","uploadId":"u"}""", "not valid Unicode");
        yield return J("lone surrogate notBefore", """{"bucket":"bkt","key":"k","uploadId":"u","notBefore":"x\ud800"}""", "not valid Unicode");
        yield return J("lone surrogate report glob", """{"report":{"buckets":["hostile-\ud800*"]}}""", "not valid Unicode");
        yield return J("lone surrogate sweep prefix", """{"sweep":{"bucket":"bkt","olderThan":"P1D","prefix":"p\udfff"}}""", "not valid Unicode");
        yield return J("arabic-indic digits in a duration", """{"sweep":{"bucket":"bkt","olderThan":"P١D"}}""", "sweep.olderThan");
        yield return J("fullwidth digits in a duration", """{"sweep":{"bucket":"bkt","olderThan":"P１D"}}""", "sweep.olderThan");
        yield return J("non-ASCII digits in minIdle", """{"bucket":"bkt","key":"k","uploadId":"u","minIdle":"PT١H"}""", "minIdle");
        yield return J("duration past the calendar", """{"sweep":{"bucket":"bkt","olderThan":"P800000D"}}""", "P36500D");
        yield return J("minIdle past the calendar", """{"bucket":"bkt","key":"k","uploadId":"u","minIdle":"P5000000D"}""", "P36500D");
        yield return J("initiatedAt at the end of the calendar", """{"bucket":"bkt","key":"k","initiatedAt":"9999-12-31T23:59:59Z"}""", "initiatedAt");
        yield return J("notBefore at the end of the calendar", """{"bucket":"bkt","key":"k","uploadId":"u","notBefore":"9999-12-31T23:59:59Z"}""", "notBefore");
        yield return J("initiatedAt at the start of the calendar", """{"bucket":"bkt","key":"k","initiatedAt":"0001-01-01T00:00:00Z"}""", "initiatedAt");
        yield return J("non-ASCII digits in a time", """{"bucket":"bkt","key":"k","uploadId":"u","notBefore":"٢026-01-01T00:00:00Z"}""", "notBefore");
        yield return J("1025-byte key", $$"""{"bucket":"bkt","key":"{{new string('k', 1025)}}","uploadId":"u"}""", "1025 bytes");
        yield return J("control uploadId", """{"bucket":"bkt","key":"k","uploadId":"u\u0001"}""", "uploadId contains control characters");
        yield return J("negative attempt", """{"bucket":"bkt","key":"k","uploadId":"u","attempt":-1}""", "attempt must be a whole number");
        yield return J("huge attempt", """{"bucket":"bkt","key":"k","uploadId":"u","attempt":1e40}""", "attempt must be a whole number");
        yield return J("fractional attempt", """{"bucket":"bkt","key":"k","uploadId":"u","attempt":1.5}""", "attempt must be a whole number");
        yield return J("string attempt", """{"bucket":"bkt","key":"k","uploadId":"u","attempt":"3"}""", "attempt must be a whole number");
        yield return J("unknown field", """{"bucket":"bkt","key":"k","uploadId":"u","notAfter":"2030-01-01T00:00:00Z"}""", "unknown field 'notAfter'");
        yield return J("misspelt field", """{"bucket":"bkt","key":"k","uploadID":"u"}""", "unknown field 'uploadID'");
        yield return J("bad owner", """{"bucket":"bkt","key":"k","uploadId":"u","expectedBucketOwner":"me"}""", "expectedBucketOwner must be a 12-digit");
        yield return J("bad payer", """{"bucket":"bkt","key":"k","uploadId":"u","requestPayer":"everyone"}""", "requestPayer must be");
        yield return J("uploads object", """{"uploads":{"bucket":"bkt"}}""", "uploads must be an array");
        yield return J("uploads empty", """{"uploads":[]}""", "uploads is empty");
        yield return J("uploads too many", $$"""{"uploads":[{{string.Join(",", Enumerable.Repeat("1", 1001))}}]}""", "at most 1000");
        yield return J("uploads of numbers", """{"uploads":[1,2]}""", "must be an object");
        yield return J("uploads with extra", """{"uploads":[],"bucket":"bkt"}""", "unknown field 'bucket'");
        yield return J("sweep string", """{"sweep":"all"}""", "sweep must be an object");
        yield return J("sweep no age", """{"sweep":{"bucket":"bkt"}}""", "sweep.olderThan is missing");
        yield return J("sweep bad age", """{"sweep":{"bucket":"bkt","olderThan":"forever"}}""", "sweep.olderThan");
        yield return J("sweep negative age", """{"sweep":{"bucket":"bkt","olderThan":"-P1D"}}""", "sweep.olderThan");
        yield return J("sweep too young", """{"sweep":{"bucket":"bkt","olderThan":"PT0S"}}""", "SWEEP_MIN_AGE");
        yield return J("sweep bad bucket", """{"sweep":{"bucket":"B/../x","olderThan":"P1D"}}""", "sweep.bucket");
        yield return J("sweep marker without key", """{"sweep":{"bucket":"bkt","olderThan":"P1D","uploadIdMarker":"u"}}""", "uploadIdMarker needs keyMarker");
        yield return J("sweep unknown", """{"sweep":{"bucket":"bkt","olderThan":"P1D","force":true}}""", "unknown field 'force'");
    }

    private sealed class Served(FunctionServices services, WorkflowHarness h, SecretScan scan)
    {
        public FunctionServices Services => services;
        public WorkflowHarness Harness => h;
        public SecretScan Scan => scan;
    }

    private static Served Serve()
    {
        var h = new WorkflowHarness
        {
            Settings = new Settings
            {
                ReabortBackoff = TimeSpan.Zero,
                WebhookSecret = new Secret(WebhookSecret),
                Credentials = StoreCredentials.Hmac("AKIDHOSTILE", new Secret(SecretKey)),
            },
        };
        return new Served(h.Services(), h, new SecretScan(WebhookSecret, SecretKey));
    }

    private static int StoreCalls(WorkflowHarness h) => h.Store.AbortCalls + h.Store.ListPartsCalls + h.Store.ListUploadsCalls;

    private static async Task<string> Invoke(Served s, byte[] json)
    {
        var response = await s.Services.Events.HandleAsync(json, s.Services.Begin(null, CancellationToken.None));
        s.Scan.Capture("answer", response.BodyText);
        return response.BodyText;
    }

    private readonly List<string> _problems = [];

    /// <summary>Collects every mismatch, so one run reports all of them.</summary>
    private void ExpectRejected(string answer, string expected, string name)
    {
        var root = JsonDocument.Parse(answer).RootElement;
        var results = root.GetProperty("results").EnumerateArray().ToArray();
        var messages = results.Select(r => r.GetProperty("message").GetString()!).ToArray();
        if (results.Length == 0 || !results.All(r => r.GetProperty("outcome").GetString() == "rejected") || !messages.Any(m => m.Contains(expected, StringComparison.Ordinal)))
            _problems.Add($"{name}: expected rejected naming '{expected}'; got {string.Join(" | ", messages.Select(m => m.Length > 200 ? m[..200] : m))}");
    }

    [Fact]
    public async Task HostileEvents_ThroughEveryEntry_AreRefusedNamingTheProblemWithoutAStoreCall()
    {
        var s = Serve();
        var variants = Variants().ToArray();
        var tried = 0;

        foreach (var (name, body, isJson, expected) in variants)
        {
            // A Lambda event (or mpa invoke's input) that is the request itself; {} alone is the tick, refused here because
            // nothing is configured for it.
            var tick = name is "empty object" ? "SWEEP_TARGETS" : expected;
            ExpectRejected(await Invoke(s, body), tick, $"direct: {name}");
            tried++;

            // An OpenWhisk /run value, and CloudEvent data, carry JSON; text goes as CloudEvent string data (Code Engine).
            var text = Encoding.UTF8.GetString(body);
            if (isJson && body.Length > 0 && body[0] != (byte)'"')
            {
                ExpectRejected(await Invoke(s, [.. "{\"value\":"u8, .. body, .. "}"u8]), tick, $"openwhisk: {name}");
                // A CloudEvent without data is a cron tick (a scheduled sweep), refused here because SWEEP_TARGETS is unset.
                var ce = name is "null" or "empty object" ? "SWEEP_TARGETS" : expected;
                ExpectRejected(await Invoke(s, [.. "{\"specversion\":\"1.0\",\"id\":\"c\",\"source\":\"/s\",\"type\":\"t\",\"data\":"u8, .. body, .. "}"u8]), ce, $"cloudevent: {name}");
                tried += 2;
            }
            else if (Encoding.UTF8.GetByteCount(text) == body.Length && text.Trim().Length > 0)
            {
                ExpectRejected(await Invoke(s, Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"c","source":"/s","type":"t","data":{{JsonSerializer.Serialize(text)}}}""")), expected, $"cloudevent text: {name}");
                tried++;
            }

            // An SQS record: poison goes to the dead-letter queue with the reason, and the record is not listed.
            if (Encoding.UTF8.GetByteCount(text) == body.Length)
            {
                var before = s.Harness.DeadLetter.Sent.Count;
                var answer = await Invoke(s, Encoding.UTF8.GetBytes(DeadlineHarness.SqsEvent([("m-" + tried, text)])));
                JsonDocument.Parse(answer).RootElement.GetProperty("batchItemFailures").GetArrayLength().Should().Be(0, $"sqs: {name}");
                var dead = s.Harness.DeadLetter.Sent.Skip(before).Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("reason").GetString()!).ToArray();
                if (!dead.Any(r => r.Contains(expected, StringComparison.Ordinal)))
                    _problems.Add($"sqs: {name}: expected a dead-letter naming '{expected}'; got {string.Join(" | ", dead)}");
                tried++;
            }

            // A signed webhook body: 400 for a body that is no request, or a rejected result.
            var signature = WebhookSignature.Sign(WebhookSecret, WorkflowHarness.Now.ToUnixTimeSeconds(), body);
            var hook = await s.Services.Webhooks.HandleAsync("POST", signature, body, null, s.Services.Begin(null, CancellationToken.None));
            s.Scan.Capture("webhook", hook.Body);
            if (hook.Status is 400 or 200)
                ExpectRejected(hook.Body, expected, $"webhook ({hook.Status}): {name}");
            else
                _problems.Add($"webhook: {name}: status {hook.Status}");
            tried++;
        }

        if (_problems.Count > 0) throw new Xunit.Sdk.XunitException(string.Join("\n", _problems));
        tried.Should().BeGreaterThanOrEqualTo(200);
        StoreCalls(s.Harness).Should().Be(0, "no hostile event reaches the store");
        s.Harness.Store.Add("bkt", "k", "u");
        ExpectServing(await Invoke(s, Encoding.UTF8.GetBytes(DeadlineHarness.Upload("bkt", "k", "u"))));
        s.Scan.Capture("log", s.Harness.Logs.ToString());
        s.Scan.AssertClean();
    }

    private static void ExpectServing(string answer) =>
        JsonDocument.Parse(answer).RootElement.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted", "the same services keep serving");

    public static TheoryData<string> OddButValidKeys => new() { "../a", "a//b", "x%2Fy", "+", "a+b c", "/leading", "trailing/", ".", "..", "\u00e9\u0301", "emoji-\ud83d\ude00", "tab\there", new string('k', 1024), new string('\u00e9', 512) };

    [Theory]
    [MemberData(nameof(OddButValidKeys))]
    public async Task OddButValidKey_IsActedOnExactlyAsNamed(string key)
    {
        var s = Serve();
        s.Harness.Store.Add("bkt", key, "u");
        s.Harness.Store.Add("bkt", "a", "u");
        s.Harness.Store.Add("bkt", "a/b", "u");
        s.Harness.Store.Add("bkt", "x/y", "u");

        var answer = await Invoke(s, Encoding.UTF8.GetBytes(DeadlineHarness.Upload("bkt", key, "u")));

        var result = JsonDocument.Parse(answer).RootElement.GetProperty("results")[0];
        result.GetProperty("outcome").GetString().Should().Be("aborted");
        result.GetProperty("key").GetString().Should().Be(key);
        s.Harness.Store.Get("bkt", key, "u")!.Aborted.Should().BeTrue();
        foreach (var other in new[] { "a", "a/b", "x/y" }.Where(o => o != key))
            s.Harness.Store.Get("bkt", other, "u")!.Aborted.Should().BeFalse($"'{key}' must not be normalised onto '{other}'");
    }

    private static string Signed(long t, byte[] body, string secret = WebhookSecret) => WebhookSignature.Sign(secret, t, body);

    public static TheoryData<string, string?> BadSignatures()
    {
        var body = Encoding.UTF8.GetBytes(DeadlineHarness.Upload("bkt", "k", "u"));
        var now = WorkflowHarness.Now.ToUnixTimeSeconds();
        var other = Encoding.UTF8.GetBytes(DeadlineHarness.Upload("bkt", "k", "other"));
        return new()
        {
            { "missing", null },
            { "empty", "" },
            { "garbage", "not a signature" },
            { "no v1", $"t={now}" },
            { "no t", Signed(now, body).Split(',')[1] },
            { "bad hex", $"t={now},v1=zz" },
            { "short mac", $"t={now},v1=00" },
            { "stale (past)", Signed(now - 3600, body) },
            { "stale (future)", Signed(now + 3600, body) },
            { "replayed with a new body", Signed(now, other) },
            { "wrong secret", Signed(now, body, "not-the-secret-at-all") },
            { "huge t", Signed(long.MaxValue, body) },
            { "negative t", Signed(-1, body) },
        };
    }

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Webhook_WithABadSignature_Is401AndTouchesNothing(string why, string? signature)
    {
        var s = Serve();
        s.Harness.Store.Add("bkt", "k", "u");
        var body = Encoding.UTF8.GetBytes(DeadlineHarness.Upload("bkt", "k", "u"));

        var answer = await s.Services.Webhooks.HandleAsync("POST", signature, body, null, s.Services.Begin(null, CancellationToken.None));

        answer.Status.Should().Be(401, why);
        StoreCalls(s.Harness).Should().Be(0, why);
        s.Harness.Retry.Sent.Should().BeEmpty();
        s.Scan.Capture("webhook", answer.Body);
        s.Scan.Capture("log", s.Harness.Logs.ToString());
        s.Scan.AssertClean();
    }

    [Fact]
    public async Task Webhook_ReplayOfTheSameSignedBody_IsHarmlessBecauseAbortIsIdempotent()
    {
        var s = Serve();
        s.Harness.Store.Add("bkt", "k", "u");
        var body = Encoding.UTF8.GetBytes(DeadlineHarness.Upload("bkt", "k", "u"));
        var signature = Signed(WorkflowHarness.Now.ToUnixTimeSeconds(), body);

        var first = await s.Services.Webhooks.HandleAsync("POST", signature, body, null, s.Services.Begin(null, CancellationToken.None));
        var replay = await s.Services.Webhooks.HandleAsync("POST", signature, body, null, s.Services.Begin(null, CancellationToken.None));

        first.Body.Should().Contain("\"outcome\":\"aborted\"");
        replay.Body.Should().Contain("\"outcome\":\"already-gone\"");
    }

    [Fact]
    public void SecretScan_WhenASecretAppears_Fails()
    {
        var scan = new SecretScan(WebhookSecret);
        scan.Capture("log", "refused: " + WebhookSecret[..20]);

        var check = scan.AssertClean;

        check.Should().Throw<InvalidOperationException>().Which.Message.Should().NotContain(WebhookSecret);
    }
}
