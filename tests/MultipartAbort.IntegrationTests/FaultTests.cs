using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using MultipartAbort.Adapters;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;
using Xunit.Abstractions;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// Issue 9's fault suite: the real SDK and the core against moto through a <see cref="LoopbackS3Proxy"/> playing
/// <see cref="RandomFaults"/> (20% 503/500 at random with a fixed seed, every ninth connection reset), with moto's SQS
/// as retry and dead-letter queues fed back as Lambda would. Every upload must end aborted and verified, or be
/// accounted for in the dead-letter queue: zero lost.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class FaultTests(MotoServer moto, ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// 1,000 as the issue asks (<c>MPA_FAULT_UPLOADS=1000 dotnet test tests/MultipartAbort.IntegrationTests --filter FaultTests</c>);
    /// 200 by default, because moto (one Python process) makes 1,000 through 20% faults take many minutes on a shared machine.
    /// </summary>
    private static readonly int Uploads = int.TryParse(Environment.GetEnvironmentVariable("MPA_FAULT_UPLOADS"), out var n) && n > 0 ? n : 200;
    private readonly Amazon.S3.AmazonS3Client _s3 = moto.CreateS3Client();
    private readonly AmazonSQSClient _sqs = moto.CreateSqsClient();

    public void Dispose()
    {
        _s3.Dispose();
        _sqs.Dispose();
    }

    private async Task<string> QueueAsync(string prefix) => (await _sqs.CreateQueueAsync($"{prefix}-{Guid.NewGuid():N}")).QueueUrl;

    private async Task<(string Bucket, string[] Keys)> SeedAsync()
    {
        var seeder = new StoreSeeder(_s3);
        var bucket = await seeder.BucketAsync();
        var keys = Enumerable.Range(0, Uploads).Select(i => $"chaos/{i:D4}.bin").ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, _) => await seeder.UploadAsync(bucket, key, parts: 1));
        return (bucket, keys);
    }

    private FunctionServices Services(LoopbackS3Proxy proxy, string retry, string dlq) =>
        ServiceComposition.Create(
            new DictionaryEnvironment(
                moto.FunctionEnvironment(
                    ("COS_ENDPOINT", proxy.Endpoint.ToString()),
                    ("RETRY_QUEUE_URL", retry),
                    ("DEAD_LETTER_QUEUE_URL", dlq),
                    ("RETRY_BASE_DELAY", "PT0S"),
                    ("MAX_ATTEMPTS", "50"),
                    ("SWEEP_MIN_AGE", "PT0S"),
                    ("POWERTOOLS_LOG_LEVEL", "Error")
                )
            ),
            TextWriter.Null
        );

    private sealed class Tally
    {
        public readonly ConcurrentDictionary<string, int> Outcomes = new();
        public int Invocations, Listed;

        public void Add(JsonElement summary)
        {
            foreach (var p in summary.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Number)
                    Outcomes.AddOrUpdate(p.Name, p.Value.GetInt32(), (_, n) => n + p.Value.GetInt32());
        }

        public override string ToString() => $"{Invocations} invocations, {Listed} records listed for redelivery, outcomes {string.Join(", ", Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}";
    }

    /// <summary>Delivers the queue's messages to the handler ten at a time, as Lambda's SQS poller does, until it is empty.</summary>
    private async Task DrainAsync(FunctionServices services, string queueUrl, Tally tally)
    {
        var emptyPolls = 0;
        while (emptyPolls < 2)
        {
            var received = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, VisibilityTimeout = 60, WaitTimeSeconds = 0 });
            var messages = received.Messages ?? [];
            if (messages.Count == 0)
            {
                emptyPolls++;
                await Task.Delay(200);
                continue;
            }
            emptyPolls = 0;
            tally.Invocations++;
            tally.Invocations.Should().BeLessThan(5000, "the stream must drain");
            var records = string.Join(",", messages.Select(m => $$"""{"messageId":"{{m.MessageId}}","receiptHandle":"rh","body":{{JsonSerializer.Serialize(m.Body)}},"attributes":{},"eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:q","awsRegion":"us-east-1"}"""));
            var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes($$"""{"Records":[{{records}}]}"""), services.Begin(null, CancellationToken.None));
            tally.Add(JsonDocument.Parse(WireSummary(response.Counts)).RootElement);
            var listed = JsonDocument.Parse(response.Body).RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()).ToHashSet();
            tally.Listed += listed.Count;
            foreach (var m in messages)
            {
                if (listed.Contains(m.MessageId))
                    await _sqs.ChangeMessageVisibilityAsync(queueUrl, m.ReceiptHandle, 0);
                else
                    await _sqs.DeleteMessageAsync(queueUrl, m.ReceiptHandle);
            }
        }
    }

    private static string WireSummary(Core.Model.OutcomeCounts counts) =>
        JsonSerializer.Serialize(Core.Model.AbortOutcomeNames.All.ToDictionary(o => Core.Model.AbortOutcomeNames.ToWireName(o), o => counts[o]));

    /// <summary>Zero lost: each upload is gone (asked of moto directly, not through the proxy) or named in the dead-letter queue.</summary>
    private async Task<(int Gone, int DeadLettered)> AccountAsync(string bucket, string[] keys, string dlq)
    {
        var dead = new List<string>();
        while ((await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = dlq, MaxNumberOfMessages = 10 })).Messages is { Count: > 0 } batch)
            dead.AddRange(batch.Select(m => m.Body));
        var listing = await _s3.ListMultipartUploadsAsync(bucket);
        var left = (listing.MultipartUploads ?? []).Select(u => u.Key).ToHashSet();
        var lost = left.Where(key => dead.All(d => !d.Contains(key, StringComparison.Ordinal))).ToArray();
        lost.Should().BeEmpty("every upload was aborted and verified, or sits in the dead-letter queue with its reason");
        keys.Should().HaveCount(Uploads);
        return (Uploads - left.Count, dead.Count);
    }

    [Fact]
    public async Task Sweep_OfManyUploadsThroughAFaultyStore_LosesNothing()
    {
        var (bucket, keys) = await SeedAsync();
        var retry = await QueueAsync("retry");
        var dlq = await QueueAsync("dlq");
        var faults = new RandomFaults(seed: 9);
        await using var proxy = await LoopbackS3Proxy.StartAsync(moto.Endpoint, faults);
        var services = Services(proxy, retry, dlq);
        var tally = new Tally();

        // A scheduled sweep, then the retry queue (re-queued uploads, continuations) fed back until it is empty; a
        // sweep whose listing failed for good is simply run again, as the next scheduled tick would.
        for (var round = 0; round < 5 && (await new StoreSeeder(_s3).UploadIdsAsync(bucket)).Count > 0; round++)
        {
            var answer = await services.Events.HandleAsync(Encoding.UTF8.GetBytes($$$"""{"sweep":{"bucket":"{{{bucket}}}","olderThan":"PT0S"}}"""), services.Begin(null, CancellationToken.None));
            tally.Invocations++;
            tally.Add(JsonDocument.Parse(answer.Body).RootElement.GetProperty("summary"));
            await DrainAsync(services, retry, tally);
        }

        var (gone, dead) = await AccountAsync(bucket, keys, dlq);
        output.WriteLine($"sweep of {Uploads}: proxy {faults}; {tally}; gone {gone}, dead-lettered {dead}");
        (gone + dead).Should().BeGreaterThanOrEqualTo(Uploads);
        (faults.SlowDowns + faults.InternalErrors).Should().BeGreaterThan(0, "the proxy really injected faults");
    }

    [Fact]
    public async Task SqsStream_OfManyMessagesThroughAFaultyStore_LosesNothing()
    {
        var (bucket, keys) = await SeedAsync();
        var source = await QueueAsync("source");
        var dlq = await QueueAsync("dlq");
        var listing = await _s3.ListMultipartUploadsAsync(bucket);
        var ids = listing.MultipartUploads.ToDictionary(u => u.Key, u => u.UploadId);
        foreach (var chunk in keys.Chunk(10))
            await _sqs.SendMessageBatchAsync(
                source,
                chunk.Select((k, i) => new SendMessageBatchRequestEntry($"e{i}", JsonSerializer.Serialize(new Dictionary<string, string> { ["bucket"] = bucket, ["key"] = k, ["uploadId"] = ids[k] }))).ToList()
            );
        var faults = new RandomFaults(seed: 9);
        await using var proxy = await LoopbackS3Proxy.StartAsync(moto.Endpoint, faults);
        // The retry queue is the source queue itself, as in template.yaml: a re-queued upload comes back through it.
        var services = Services(proxy, source, dlq);
        var tally = new Tally();

        await DrainAsync(services, source, tally);

        var (gone, dead) = await AccountAsync(bucket, keys, dlq);
        output.WriteLine($"SQS stream of {Uploads}: proxy {faults}; {tally}; gone {gone}, dead-lettered {dead}");
        (gone + dead).Should().BeGreaterThanOrEqualTo(Uploads);
        (faults.SlowDowns + faults.InternalErrors).Should().BeGreaterThan(0);
    }
}
