using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS.Model;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;
using Xunit.Abstractions;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>
/// The upload TTL on the published bootstrap: a CloudTrail CreateMultipartUpload event arms a timer in moto's SQS;
/// the timer comes back to the function the way an SQS event source mapping delivers it, until it is due, and then
/// the upload is aborted and verified. Outcomes are asserted; the elapsed time is only reported.
/// </summary>
[Collection("moto")]
public sealed class UploadTtlEndToEndTests(MotoServer moto, ITestOutputHelper output)
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private const int MaxHops = 10;
    private readonly StoreSeeder _seeder = new(moto.CreateS3Client());

    /// <summary>The CloudTrail sample, naming this test's bucket and key, at <paramref name="eventTime"/> (whole seconds, as CloudTrail writes it).</summary>
    private static string CloudTrailEvent(string bucket, string key, DateTimeOffset eventTime)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "eventbridge-cloudtrail-create-multipart-upload.json")))!;
        var detail = root["detail"]!;
        detail["eventTime"] = eventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        detail["requestParameters"]!["bucketName"] = bucket;
        detail["requestParameters"]!["key"] = key;
        return root.ToJsonString();
    }

    [Fact]
    public async Task CloudTrailEvent_WithATtlOfSeconds_ArmsATimerInSqs_ThatAbortsAndVerifiesTheUploadWhenDue()
    {
        // Published first (that can take minutes), so the upload starts just before its event, as in life.
        var bootstrap = await PublishedBootstrap.PathAsync();
        using var sqs = moto.CreateSqsClient();
        var queue = (await sqs.CreateQueueAsync($"mpa-ttl-{Guid.NewGuid():N}")).QueueUrl;
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(bootstrap, LambdaEnvironment.For(moto, api, ("UPLOAD_TTL", "PT3S"), ("RETRY_QUEUE_URL", queue)));
        var bucket = await _seeder.BucketAsync();
        const string key = "ttl/abandoned.bin";
        var upload = await _seeder.UploadAsync(bucket, key, parts: 2);
        var eventTime = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        var armed = await api.Enqueue("req-arm", CloudTrailEvent(bucket, key, eventTime)).WaitAsync(Guard);
        var deliveries = new List<RecordedAnswer>();
        using var guard = new CancellationTokenSource(Guard);
        for (var hop = 0; hop < MaxHops && await _seeder.PartCountAsync(bucket, key, upload) is not null; hop++)
        {
            // What an SQS event source mapping does: wait for the delayed message, deliver it, delete it when the batch succeeds.
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 1, WaitTimeSeconds = 5 }, guard.Token);
            if (received.Messages is not { Count: > 0 } messages)
                continue;
            var answer = await api.Enqueue($"req-sqs-{hop}", LambdaEnvironment.SqsEvent([messages[0]])).WaitAsync(Guard);
            deliveries.Add(answer);
            if (answer.Json.GetProperty("batchItemFailures").GetArrayLength() == 0)
                await sqs.DeleteMessageAsync(queue, messages[0].ReceiptHandle, guard.Token);
        }
        output.WriteLine($"armed at event time {eventTime:O}; upload gone after {clock.Elapsed.TotalSeconds:0.0} s and {deliveries.Count} SQS deliveries");

        armed.Kind.Should().Be(RecordedAnswer.Response);
        var arming = armed.Json.GetProperty("results")[0];
        arming.GetProperty("outcome").GetString().Should().Be("requeued");
        arming.GetProperty("message").GetString().Should().Contain("armed by CloudTrail CreateMultipartUpload");
        deliveries.Should().NotBeEmpty();
        deliveries.Should().OnlyContain(d => d.Kind == RecordedAnswer.Response && d.Json.GetProperty("batchItemFailures").GetArrayLength() == 0);
        (await _seeder.PartCountAsync(bucket, key, upload)).Should().BeNull("the timer aborted the upload");
        (await _seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
        var aborted = await function.WaitForLineAsync(l => l.TryGetProperty("outcome", out var o) && o.GetString() == "aborted", Guard);
        aborted.GetProperty("uploadId").GetString().Should().Be(upload);
        aborted.GetProperty("key").GetString().Should().Be(key);
        aborted.GetProperty("message").GetString().Should().Contain("ListParts confirms no part remains");
    }
}
