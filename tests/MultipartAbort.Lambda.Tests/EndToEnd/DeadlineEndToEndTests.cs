using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS;
using Amazon.SQS.Model;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;
using Xunit.Abstractions;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>
/// The deadline on the published bootstrap, with a Runtime API deadline 12 s away (the function keeps 10 s in
/// reserve) and a store 100 ms away with 8 uploads in flight: far more work than fits. Whatever the machine does,
/// an answer is posted, and every upload is aborted, re-queued or (for SQS records not started) listed for
/// redelivery untouched: none is lost and none is both. Only outcomes are asserted; how much got done is reported.
/// </summary>
[Collection("moto")]
public sealed class DeadlineEndToEndTests(MotoServer moto, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(12);
    private readonly StoreSeeder _seeder = new(moto.CreateS3Client());
    private readonly AmazonSQSClient _sqs = moto.CreateSqsClient();

    public void Dispose() => _sqs.Dispose();

    private async Task<(FakeRuntimeApi Api, ChildProcess Function, LoopbackS3Proxy Proxy, string Retry)> StartAsync()
    {
        var bootstrap = await PublishedBootstrap.PathAsync();
        var proxy = await LoopbackS3Proxy.StartAsync(moto.Endpoint, new FixedLatency(TimeSpan.FromMilliseconds(100)));
        var retry = (await _sqs.CreateQueueAsync($"mpa-deadline-{Guid.NewGuid():N}")).QueueUrl;
        var api = await FakeRuntimeApi.StartAsync();
        var env = LambdaEnvironment.For(moto, api, ("COS_ENDPOINT", proxy.Endpoint.ToString()), ("RETRY_QUEUE_URL", retry), ("SWEEP_CONCURRENCY", "8"), ("RETRY_BASE_DELAY", "PT0S"));
        return (api, ChildProcess.Start(bootstrap, env), proxy, retry);
    }

    private async Task<(string Bucket, Dictionary<string, string> IdByKey)> SeedAsync(int uploads)
    {
        var bucket = await _seeder.BucketAsync();
        var ids = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, uploads),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => ids[$"late/{i:D4}.bin"] = await _seeder.UploadAsync(bucket, $"late/{i:D4}.bin", parts: 1)
        );
        return (bucket, new Dictionary<string, string>(ids));
    }

    private static JsonObject Upload(string bucket, string key, string id) => new() { ["bucket"] = bucket, ["key"] = key, ["uploadId"] = id };

    /// <summary>Every message on the queue (received, not deleted: each is looked at once).</summary>
    private async Task<List<JsonElement>> DrainAsync(string queue)
    {
        var bodies = new List<JsonElement>();
        for (var empty = 0; empty < 2; )
        {
            var received = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10, WaitTimeSeconds = 1, VisibilityTimeout = 600 });
            if (received.Messages is not { Count: > 0 } messages)
            {
                empty++;
                continue;
            }
            bodies.AddRange(messages.Select(m => JsonDocument.Parse(m.Body).RootElement.Clone()));
        }
        return bodies;
    }

    /// <summary>The upload ids a re-queued message names (one upload, or a batch of them).</summary>
    private static IEnumerable<string> UploadIds(JsonElement body) =>
        body.TryGetProperty("uploads", out var items) ? items.EnumerateArray().Select(i => i.GetProperty("uploadId").GetString()!)
        : body.TryGetProperty("uploadId", out var id) ? [id.GetString()!]
        : [];

    private PendingInvocation Late(string requestId, string json) => new(requestId, json) { Deadline = DateTimeOffset.UtcNow + Budget };

    [Fact]
    public async Task BatchOf1000_PastWhatTheDeadlineAllows_IsAnswered_WithEveryUploadAbortedOrReQueuedOnce()
    {
        var (bucket, idByKey) = await SeedAsync(1000);
        var (api, function, proxy, retry) = await StartAsync();
        await using var apiScope = api;
        await using var functionScope = function;
        await using var proxyScope = proxy;
        var batch = new JsonObject { ["uploads"] = new JsonArray([.. idByKey.Select(p => (JsonNode)Upload(bucket, p.Key, p.Value))]) };

        var answer = await api.Enqueue(Late("req-batch", batch.ToJsonString())).WaitAsync(Guard);
        var requeuedMessages = await DrainAsync(retry);
        var left = (await _seeder.UploadIdsAsync(bucket)).ToHashSet();

        answer.Kind.Should().Be(RecordedAnswer.Response, "an answer is posted whatever the deadline left");
        var results = answer.Json.GetProperty("results").EnumerateArray().ToList();
        results.Should().HaveCount(1000, "one result per upload, in order");
        var byOutcome = results.GroupBy(r => r.GetProperty("outcome").GetString()!).ToDictionary(g => g.Key, g => g.Select(r => r.GetProperty("uploadId").GetString()!).ToList());
        var others = results.Where(r => r.GetProperty("outcome").GetString() is not ("aborted" or "requeued")).Select(r => $"{r.GetProperty("outcome").GetString()}: {r.GetProperty("message").GetString()}");
        byOutcome.Keys.Should().BeSubsetOf(["aborted", "requeued"], string.Join("\n", others.Distinct().Take(5)));
        var aborted = byOutcome.GetValueOrDefault("aborted") ?? [];
        var requeued = byOutcome.GetValueOrDefault("requeued") ?? [];
        output.WriteLine($"aborted {aborted.Count}, re-queued {requeued.Count} of 1000 within a {Budget.TotalSeconds:0} s budget");
        requeued.Should().NotBeEmpty("1,000 uploads at 100 ms and 8 in flight do not fit in 2 s");
        requeuedMessages.SelectMany(UploadIds).ShouldBeSameIdsAs(requeued, "each re-queued upload is on the retry queue exactly once");
        left.Should().BeSubsetOf(requeued, "an upload still in the store is one that was passed on");
        left.Should().NotIntersectWith(aborted);
        proxy.AbortsByUploadId.Keys.Should().Contain(aborted);
        proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1, "no upload is aborted twice"));
    }

    [Fact]
    public async Task SqsBatchOf10Records_PastWhatTheDeadlineAllows_SettlesWhatItStarted_AndListsOnlyRecordsItLeftUntouched()
    {
        var (bucket, idByKey) = await SeedAsync(1000);
        var (api, function, proxy, retry) = await StartAsync();
        await using var apiScope = api;
        await using var functionScope = function;
        await using var proxyScope = proxy;
        var recordIds = idByKey.Chunk(100).Select((chunk, i) => (MessageId: $"m-{i}", Ids: chunk.Select(p => p.Value).ToList(), Body: new JsonObject { ["uploads"] = new JsonArray([.. chunk.Select(p => (JsonNode)Upload(bucket, p.Key, p.Value))]) }.ToJsonString())).ToList();
        var answer = await api.Enqueue(Late("req-sqs", LambdaEnvironment.SqsEvent(recordIds.Select(r => (r.MessageId, "handle-" + r.MessageId, r.Body))))).WaitAsync(Guard);
        var requeued = (await DrainAsync(retry)).SelectMany(UploadIds).ToList();
        var left = (await _seeder.UploadIdsAsync(bucket)).ToHashSet();
        // The EMF line closes the invocation: once it is read, every outcome line before it has been read too.
        await function.WaitForLineAsync(PowertoolsFormat.IsEmf, Guard);
        var outcomes = function.JsonLines.Where(l => l.TryGetProperty("outcome", out _)).ToList();

        answer.Kind.Should().Be(RecordedAnswer.Response, "an answer is posted whatever the deadline left");
        var listed = answer.Json.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()).ToHashSet();
        var untouched = recordIds.Where(r => listed.Contains(r.MessageId)).SelectMany(r => r.Ids).ToList();
        var settled = recordIds.Where(r => !listed.Contains(r.MessageId)).SelectMany(r => r.Ids).ToList();
        var aborted = outcomes.Where(l => l.GetProperty("outcome").GetString() == "aborted").Select(l => l.GetProperty("uploadId").GetString()!).ToList();
        output.WriteLine($"{listed.Count} of 10 records listed for redelivery; of the rest's {settled.Count} uploads {aborted.Count} aborted, {requeued.Count} re-queued");
        var touched = outcomes.Where(l => untouched.Contains(l.GetProperty("uploadId").GetString()!)).Select(l => $"{l.GetProperty("outcome").GetString()}: {l.GetProperty("message").GetString()}");
        touched.Should().BeEmpty("a record listed for redelivery was not touched: Lambda delivers it again");
        left.Should().Contain(untouched);
        requeued.Should().NotIntersectWith(untouched, "a listed record's uploads come back with it, not also one by one");
        aborted.Concat(requeued).ShouldBeSameIdsAs(settled, "every upload of a settled record is aborted or re-queued, exactly once");
        left.Should().BeSubsetOf(untouched.Concat(requeued), "nothing is lost");
        proxy.AbortsByUploadId.Keys.Should().NotIntersectWith(untouched);
        proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1, "no upload is aborted twice"));
    }

    [Fact]
    public async Task SweepOf1000_PastWhatTheDeadlineAllows_PassesItselfOn_AndItsContinuationFinishes()
    {
        var (bucket, idByKey) = await SeedAsync(1000);
        var (api, function, proxy, retry) = await StartAsync();
        await using var apiScope = api;
        await using var functionScope = function;
        await using var proxyScope = proxy;
        var sweep = $$$"""{"sweep": {"bucket": "{{{bucket}}}", "olderThan": "P1D"}}""";

        var first = await api.Enqueue(Late("req-sweep", sweep)).WaitAsync(Guard);
        // Then what it passed on, as the SQS event source would deliver it, with time enough, until nothing is left.
        var passedOn = new List<JsonElement>();
        var answers = new List<RecordedAnswer>();
        for (var round = 0; round < 5 && await DrainAsync(retry) is { Count: > 0 } messages; round++)
            foreach (var message in messages)
            {
                passedOn.Add(message);
                answers.Add(await api.Enqueue(new PendingInvocation($"req-passed-on-{answers.Count}", message.GetRawText()) { Deadline = DateTimeOffset.UtcNow.AddMinutes(10) }).WaitAsync(Guard));
            }

        first.Kind.Should().Be(RecordedAnswer.Response);
        var cut = first.Json.GetProperty("summary").GetProperty("sweep");
        cut.GetProperty("continued").GetBoolean().Should().BeTrue();
        cut.GetProperty("stopReason").GetString().Should().Be("deadline");
        passedOn.Count(b => b.TryGetProperty("sweep", out _)).Should().Be(1, "one continuation, which finished the bucket");
        var individually = passedOn.SelectMany(UploadIds).ToHashSet();
        long Sum(string outcome) =>
            new[] { first }.Concat(answers).Sum(a => a.Json.GetProperty("summary").TryGetProperty(outcome, out var n) ? n.GetInt64() : 0);
        output.WriteLine($"first invocation aborted {cut.GetProperty("aborted").GetInt64()}; {individually.Count} uploads passed on one by one (cut off in flight)");
        (Sum("aborted") + Sum("already-gone")).Should().Be(1000);
        (await _seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
        proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(idByKey.Values);
        proxy.AbortsByUploadId.Where(p => !individually.Contains(p.Key)).Should().AllSatisfy(p => p.Value.Should().Be(1, "the continuation starts where the first stopped"));
    }
}
