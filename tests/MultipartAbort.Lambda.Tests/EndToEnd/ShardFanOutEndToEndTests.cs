using System.Text.Json.Nodes;
using Amazon.SQS.Model;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>
/// A sharded sweep on the published bootstrap, as on AWS: a direct <c>"shards": 4</c> event lands four shard requests
/// in moto's SQS and sweeps nothing itself; the shard messages come back the way an SQS event source mapping
/// delivers them (two batches of two records) and together they abort every upload of the bucket, each once.
/// </summary>
[Collection("moto")]
public sealed class ShardFanOutEndToEndTests(MotoServer moto)
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private const int Uploads = 40;
    private readonly StoreSeeder _seeder = new(moto.CreateS3Client());

    [Fact]
    public async Task FanOutEvent_LandsFourShardMessages_ThatTogetherAbortEveryUploadOnce()
    {
        var bootstrap = await PublishedBootstrap.PathAsync();
        using var sqs = moto.CreateSqsClient();
        var queue = (await sqs.CreateQueueAsync($"mpa-shards-{Guid.NewGuid():N}")).QueueUrl;
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(bootstrap, LambdaEnvironment.For(moto, api, ("RETRY_QUEUE_URL", queue)));
        var bucket = await _seeder.BucketAsync();
        var ids = new List<string>();
        for (var i = 0; i < Uploads; i++)
            ids.Add(await _seeder.UploadAsync(bucket, $"fan/{i:D3}.bin", parts: 1));

        var fanOut = await api.Enqueue("req-fan-out", $$$"""{"sweep": {"bucket": "{{{bucket}}}", "olderThan": "P1D", "shards": 4}}""").WaitAsync(Guard);
        var shardMessages = new List<Message>();
        using var guard = new CancellationTokenSource(Guard);
        while (shardMessages.Count < 4)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10, WaitTimeSeconds = 2 }, guard.Token);
            shardMessages.AddRange(received.Messages ?? []);
        }
        var uploadsAfterFanOut = await _seeder.UploadIdsAsync(bucket);
        var answers = new List<RecordedAnswer>();
        foreach (var (batch, n) in shardMessages.Chunk(2).Select((b, n) => (b, n)))
            answers.Add(await api.Enqueue($"req-shards-{n}", LambdaEnvironment.SqsEvent(batch)).WaitAsync(Guard));

        fanOut.Kind.Should().Be(RecordedAnswer.Response);
        fanOut.Json.GetProperty("summary").GetProperty("sweep").GetProperty("shardsQueued").GetInt32().Should().Be(4);
        uploadsAfterFanOut.Should().HaveCount(Uploads, "the fan-out request sweeps nothing itself");
        shardMessages.Select(m => JsonNode.Parse(m.Body)!["sweep"]!["shard"]!.GetValue<string>()).Should().BeEquivalentTo("0/4", "1/4", "2/4", "3/4");
        answers.Should().OnlyContain(a => a.Kind == RecordedAnswer.Response && a.Json.GetProperty("batchItemFailures").GetArrayLength() == 0);
        (await _seeder.UploadIdsAsync(bucket)).Should().BeEmpty("the four shards together cover the bucket");
        // Every answer is in, so every outcome line was written; reading them off the pipe may lag behind.
        await function.WaitForLineAsync(_ => AbortedIds(function).Count >= Uploads, Guard);
        AbortedIds(function).ShouldBeSameIdsAs(ids, "each upload is aborted by exactly one shard");
    }

    private static List<string?> AbortedIds(ChildProcess function) =>
        function.JsonLines.Where(l => l.TryGetProperty("outcome", out var o) && o.GetString() == "aborted").Select(l => l.GetProperty("uploadId").GetString()).ToList();
}
