using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using MultipartAbort.Core.Security;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>
/// The published Native AOT bootstrap, run as Lambda runs it: a fresh process, a Runtime API (served here on
/// loopback) and moto as the store and the queues.
/// </summary>
[Collection("moto")]
public sealed class BootstrapEndToEndTests(MotoServer moto)
{
    private const string Service = "multipart-abort-e2e";
    private const string Namespace = "MultipartAbortE2E";
    private const string FunctionName = "multipart-abort";
    private const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:multipart-abort";
    private const int MemorySize = 256;
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3); // a hang guard, generous for a loaded 2-core box

    private readonly StoreSeeder _seeder = new(moto.CreateS3Client());

    /// <summary>Taken before the function starts: no line it writes can be older.</summary>
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    private Dictionary<string, string?> Environment(FakeRuntimeApi api, params (string Name, string? Value)[] extra)
    {
        // FunctionName and MemorySize are what LambdaEnvironment sets.
        var env = LambdaEnvironment.For(moto, api, extra);
        env["POWERTOOLS_SERVICE_NAME"] = Service;
        env["POWERTOOLS_METRICS_NAMESPACE"] = Namespace;
        foreach (var (name, value) in extra)
            env[name] = value;
        return env;
    }

    private PowertoolsFormat.Invocation Expected(string requestId, bool coldStart) =>
        new(Service, coldStart, FunctionName, MemorySize, FunctionArn, requestId, FakeRuntimeApi.RootFor(requestId), _started);

    private static string AbortJson(string bucket, string key, string uploadId) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["bucket"] = bucket, ["key"] = key, ["uploadId"] = uploadId });

    [Fact]
    public async Task DirectEventBridgeBatchAndSweepEvents_AnswerTheSpecResult_AndLogInPowertoolsAndEmfFormats()
    {
        var bucket = await _seeder.BucketAsync();
        var first = await _seeder.UploadAsync(bucket, "logs/a.bin", parts: 2);
        var second = await _seeder.UploadAsync(bucket, "logs/b.bin");
        var batched = await _seeder.UploadAsync(bucket, "logs/c.bin");
        var swept = await _seeder.BucketAsync();
        await _seeder.UploadAsync(swept, "tmp/old-1.bin");
        await _seeder.UploadAsync(swept, "tmp/old-2.bin");
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(await PublishedBootstrap.PathAsync(), Environment(api));

        var direct = await api.Enqueue("req-direct", AbortJson(bucket, "logs/a.bin", first)).WaitAsync(Guard);
        var expired = await api
            .Enqueue(
                "req-eventbridge",
                $$"""{"version":"0","id":"e-1","detail-type":"Multipart Upload Expired","source":"custom.cos","account":"123456789012","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{{AbortJson(bucket, "logs/b.bin", second)}}}"""
            )
            .WaitAsync(Guard);
        var batch = await api
            .Enqueue("req-batch", $$"""{"uploads":[{{AbortJson(bucket, "logs/c.bin", batched)}},{"bucket":"{{bucket}}","key":"logs/c.bin"}]}""")
            .WaitAsync(Guard);
        var sweep = await api.Enqueue("req-sweep", $$$"""{"sweep":{"bucket":"{{{swept}}}","prefix":"tmp/","olderThan":"P1D"}}""").WaitAsync(Guard);

        direct.Kind.Should().Be(RecordedAnswer.Response);
        var result = direct.Json.GetProperty("results")[0];
        result.GetProperty("bucket").GetString().Should().Be(bucket);
        result.GetProperty("uploadId").GetString().Should().Be(first);
        result.GetProperty("outcome").GetString().Should().Be("aborted");
        result.GetProperty("abortCalls").GetInt32().Should().Be(1);
        result.GetProperty("partsRemaining").GetInt32().Should().Be(0);
        direct.Json.GetProperty("summary").GetProperty("aborted").GetInt32().Should().Be(1);
        expired.Kind.Should().Be(RecordedAnswer.Response);
        expired.Json.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
        (await _seeder.PartCountAsync(bucket, "logs/a.bin", first)).Should().BeNull("the upload is gone");
        (await _seeder.PartCountAsync(bucket, "logs/b.bin", second)).Should().BeNull("the upload is gone");
        batch.Kind.Should().Be(RecordedAnswer.Response);
        batch.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()).Should().Equal("aborted", "rejected");
        batch.Json.GetProperty("summary").GetProperty("aborted").GetInt32().Should().Be(1);
        batch.Json.GetProperty("summary").GetProperty("rejected").GetInt32().Should().Be(1);
        sweep.Kind.Should().Be(RecordedAnswer.Response);
        var sweepSummary = sweep.Json.GetProperty("summary").GetProperty("sweep");
        sweepSummary.GetProperty("listed").GetInt32().Should().Be(2);
        sweepSummary.GetProperty("matched").GetInt32().Should().Be(2);
        sweepSummary.GetProperty("aborted").GetInt32().Should().Be(2);
        (await _seeder.UploadIdsAsync(swept)).Should().BeEmpty("the sweep aborted every upload under the prefix");

        await function.WaitForLineAsync(_ => function.JsonLines.Count(PowertoolsFormat.IsEmf) == 4, Guard);
        var lines = function.JsonLines;
        var logs = lines.Where(l => !PowertoolsFormat.IsEmf(l)).ToArray();
        logs.Should().NotBeEmpty();
        foreach (var line in logs)
        {
            var requestId = PowertoolsFormat.RequestIdOf(line);
            requestId.Should().BeOneOf("req-direct", "req-eventbridge", "req-batch", "req-sweep");
            PowertoolsFormat.ShouldBeLogLine(line, Expected(requestId!, coldStart: requestId == "req-direct"));
        }
        var outcome = logs.Single(l => PowertoolsFormat.RequestIdOf(l) == "req-direct" && l.TryGetProperty("outcome", out _));
        outcome.GetProperty("level").GetString().Should().Be("Information");
        outcome.GetProperty("bucket").GetString().Should().Be(bucket);
        outcome.GetProperty("key").GetString().Should().Be("logs/a.bin");
        outcome.GetProperty("uploadId").GetString().Should().Be(first);
        outcome.GetProperty("attempt").GetInt32().Should().Be(0);
        outcome.GetProperty("outcome").GetString().Should().Be("aborted");
        var emf = lines.Where(PowertoolsFormat.IsEmf).ToArray();
        emf.Should().HaveCount(4, "metrics are flushed once per invocation");
        PowertoolsFormat.ShouldBeEmfLine(emf[0], Namespace, Service, new Dictionary<string, long> { ["UploadsAborted"] = 1 }, _started);
        PowertoolsFormat.ShouldBeEmfLine(emf[1], Namespace, Service, new Dictionary<string, long> { ["UploadsAborted"] = 1 }, _started);
        PowertoolsFormat.ShouldBeEmfLine(emf[2], Namespace, Service, new Dictionary<string, long> { ["UploadsAborted"] = 1, ["Rejected"] = 1 }, _started);
        PowertoolsFormat.ShouldBeEmfLine(emf[3], Namespace, Service, new Dictionary<string, long> { ["UploadsAborted"] = 2 }, _started);
    }

    [Fact]
    public async Task SqsBatch_ListsOnlyTheTransientFailure_AndDeadLettersThePoisonRecordWithItsReason()
    {
        var bucket = await _seeder.BucketAsync();
        var good = await _seeder.UploadAsync(bucket, "q/good.bin");
        var down = MotoServer.UniqueBucket("down");
        var faults = new FaultInjection().FailBucket(down);
        await using var proxy = await LoopbackS3Proxy.StartAsync(moto.Endpoint, faults);
        using var sqs = moto.CreateSqsClient();
        var dlq = (await sqs.CreateQueueAsync($"mpa-dlq-{Guid.NewGuid():N}")).QueueUrl;
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(
            await PublishedBootstrap.PathAsync(),
            Environment(api, ("COS_ENDPOINT", proxy.Endpoint.ToString()), ("DEAD_LETTER_QUEUE_URL", dlq))
        );

        var records = new[]
        {
            Record("m-good", AbortJson(bucket, "q/good.bin", good)),
            Record("m-poison", "this is not json"),
            Record("m-transient", AbortJson(down, "q/any.bin", "upload-on-a-bad-day")),
        };
        var answer = await api.Enqueue("req-sqs", $$"""{"Records":[{{string.Join(',', records)}}]}""").WaitAsync(Guard);

        answer.Kind.Should().Be(RecordedAnswer.Response);
        answer.Json.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()).Should().Equal("m-transient");
        faults.Injected.Should().BeGreaterThan(0, "the transient record reached the failing store");
        (await _seeder.PartCountAsync(bucket, "q/good.bin", good)).Should().BeNull("the good record's upload is aborted");
        var dead = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = dlq, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 });
        dead.Messages.Should().ContainSingle();
        var poison = JsonDocument.Parse(dead.Messages[0].Body).RootElement;
        poison.GetProperty("messageId").GetString().Should().Be("m-poison");
        poison.GetProperty("body").GetString().Should().Be("this is not json");
        poison.GetProperty("reason").GetString().Should().Contain("not valid JSON");

        var emf = await function.WaitForLineAsync(PowertoolsFormat.IsEmf, Guard);
        PowertoolsFormat.ShouldBeEmfLine(emf, Namespace, Service, new Dictionary<string, long> { ["UploadsAborted"] = 1, ["Rejected"] = 1, ["Failed"] = 1 }, _started);
        var failed = function.JsonLines.Single(l => l.TryGetProperty("outcome", out var o) && o.GetString() == "failed");
        PowertoolsFormat.ShouldBeLogLine(failed, Expected("req-sqs", coldStart: true));
        failed.GetProperty("level").GetString().Should().Be("Error");
        failed.GetProperty("bucket").GetString().Should().Be(down);
    }

    private static string Record(string messageId, string body) =>
        JsonSerializer.Serialize(
            new Dictionary<string, string>
            {
                ["messageId"] = messageId,
                ["receiptHandle"] = "handle-" + messageId,
                ["body"] = body,
                ["eventSource"] = "aws:sqs",
                ["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:multipart-abort-retry",
                ["awsRegion"] = "us-east-1",
            }
        );

    [Fact]
    public async Task FunctionUrlEvent_WithAGoodSignature_Aborts_AndWithABadOne_Answers401AndTouchesNothing()
    {
        const string secret = "e2e-webhook-secret-value";
        var bucket = await _seeder.BucketAsync();
        var signed = await _seeder.UploadAsync(bucket, "hook/signed.bin");
        var forged = await _seeder.UploadAsync(bucket, "hook/forged.bin");
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(await PublishedBootstrap.PathAsync(), Environment(api, ("WEBHOOK_SECRET", secret)));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var goodBody = AbortJson(bucket, "hook/signed.bin", signed);
        var good = await api.Enqueue("req-url-good", FunctionUrlEvent(goodBody, WebhookSignature.Sign(secret, now, Encoding.UTF8.GetBytes(goodBody)))).WaitAsync(Guard);
        var badBody = AbortJson(bucket, "hook/forged.bin", forged);
        var bad = await api.Enqueue("req-url-bad", FunctionUrlEvent(badBody, WebhookSignature.Sign("not-the-secret", now, Encoding.UTF8.GetBytes(badBody)))).WaitAsync(Guard);

        good.Kind.Should().Be(RecordedAnswer.Response);
        good.Json.GetProperty("statusCode").GetInt32().Should().Be(200);
        good.Json.GetProperty("headers").GetProperty("Content-Type").GetString().Should().Be("application/json");
        var goodResult = JsonDocument.Parse(good.Json.GetProperty("body").GetString()!).RootElement;
        goodResult.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
        (await _seeder.PartCountAsync(bucket, "hook/signed.bin", signed)).Should().BeNull();

        bad.Kind.Should().Be(RecordedAnswer.Response);
        bad.Json.GetProperty("statusCode").GetInt32().Should().Be(401);
        JsonDocument.Parse(bad.Json.GetProperty("body").GetString()!).RootElement.GetProperty("error").GetString().Should().Contain("signature");
        (await _seeder.PartCountAsync(bucket, "hook/forged.bin", forged)).Should().Be(1, "a refused request touches nothing");

        var refused = await function.WaitForLineAsync(l => PowertoolsFormat.RequestIdOf(l) == "req-url-bad", Guard);
        PowertoolsFormat.ShouldBeLogLine(refused, Expected("req-url-bad", coldStart: false));
        refused.GetProperty("level").GetString().Should().Be("Warning");
        string.Join('\n', function.StdoutLines).Should().NotContain(secret);
    }

    private static string FunctionUrlEvent(string body, string signature) =>
        JsonSerializer.Serialize(
            new Dictionary<string, object>
            {
                ["version"] = "2.0",
                ["routeKey"] = "$default",
                ["rawPath"] = "/",
                ["rawQueryString"] = "",
                ["headers"] = new Dictionary<string, string> { ["content-type"] = "application/json", ["x-signature"] = signature, ["host"] = "abc.lambda-url.us-east-1.on.aws" },
                ["requestContext"] = new Dictionary<string, object>
                {
                    ["requestId"] = Guid.NewGuid().ToString(),
                    ["http"] = new Dictionary<string, string> { ["method"] = "POST", ["path"] = "/", ["sourceIp"] = "203.0.113.9" },
                },
                ["body"] = body,
                ["isBase64Encoded"] = false,
            }
        );

    [Fact]
    public async Task ConfigurationError_GoesToInitError_AndTheProcessExitsWithoutAskingForWork()
    {
        const string secret = "do-not-print-this-secret";
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(
            await PublishedBootstrap.PathAsync(),
            Environment(api, ("MAX_ATTEMPTS", "zero"), ("COS_SECRET_ACCESS_KEY", secret)),
            expectCritical: true
        );

        var init = await api.InitError.WaitAsync(Guard);
        var exitCode = await function.WaitForExitAsync(Guard);

        init.ErrorType.Should().Be("Runtime.ConfigInvalid");
        init.ContentType.Should().Be("application/vnd.aws.lambda.error+json");
        init.Json.GetProperty("errorType").GetString().Should().Be("ConfigurationException");
        init.Json.GetProperty("errorMessage").GetString().Should().Contain("MAX_ATTEMPTS");
        init.Json.GetProperty("stackTrace").ValueKind.Should().Be(JsonValueKind.Array);
        init.Body.Should().NotContain(secret);
        exitCode.Should().Be(1);
        api.NextCalls.Should().Be(0, "a function that cannot start must not take work");
        var critical = function.JsonLines.Single();
        critical.GetProperty("level").GetString().Should().Be("Critical");
        critical.GetProperty("message").GetString().Should().Contain("MAX_ATTEMPTS");
        critical.GetProperty("cold_start").GetBoolean().Should().BeTrue();
        critical.GetProperty("function_name").GetString().Should().Be(FunctionName);
        string.Join('\n', function.StdoutLines).Should().NotContain(secret);
    }

    [Fact]
    public async Task AnInvocationPastItsDeadline_IsAnsweredWithNothingTouched_AndTheLoopServesTheNextEvents()
    {
        var bucket = await _seeder.BucketAsync();
        var upload = await _seeder.UploadAsync(bucket, "late/a.bin");
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(await PublishedBootstrap.PathAsync(), Environment(api));

        // Arrives after its deadline: nothing may start, yet an answer is posted (the upload passed on, or failed here
        // for want of a retry queue) instead of an error that would make Lambda retry the whole event.
        var late = await api
            .Enqueue(
                new PendingInvocation("req-late", AbortJson(bucket, "late/a.bin", upload))
                {
                    Deadline = DateTimeOffset.UtcNow.AddSeconds(-1),
                    TraceHeader = FakeRuntimeApi.TraceHeaderFor("req-late"),
                }
            )
            .WaitAsync(Guard);
        var untouched = await _seeder.PartCountAsync(bucket, "late/a.bin", upload);
        var garbage = await api.Enqueue("req-garbage", "this is not an event").WaitAsync(Guard);
        var after = await api.Enqueue("req-after", AbortJson(bucket, "late/a.bin", upload)).WaitAsync(Guard);

        late.Kind.Should().Be(RecordedAnswer.Response);
        var lateResult = late.Json.GetProperty("results")[0];
        lateResult.GetProperty("outcome").GetString().Should().Be("failed");
        lateResult.GetProperty("abortCalls").GetInt32().Should().Be(0);
        lateResult.GetProperty("message").GetString().Should().Contain("not started before the invocation's deadline").And.Contain("RETRY_QUEUE_URL is not set");
        untouched.Should().Be(1, "nothing was started after the deadline");
        garbage.Kind.Should().Be(RecordedAnswer.Response, "a malformed event gets an answer, not a crash");
        garbage.Json.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("rejected");
        after.Kind.Should().Be(RecordedAnswer.Response);
        after.Json.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted");
        function.HasExited.Should().BeFalse();
        // The line is read from the process's stdout by another thread: wait for it rather than race the reader.
        static bool LateOutcome(System.Text.Json.JsonElement l) => PowertoolsFormat.RequestIdOf(l) == "req-late" && l.TryGetProperty("outcome", out _);
        await function.WaitForLineAsync(LateOutcome, Guard);
        var line = function.JsonLines.First(LateOutcome);
        PowertoolsFormat.ShouldBeLogLine(line, Expected("req-late", coldStart: true));
        line.GetProperty("outcome").GetString().Should().Be("failed");
    }
}
