using System.Diagnostics;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using MultipartAbort.Adapters.Ledger;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary><c>mpa dlq</c> as a process (the native binary) against moto's SQS (and S3 for --to run): list, explain, redrive.</summary>
[Collection(MotoCollection.Name)]
public sealed class MpaDlqTests(MotoServer moto) : IDisposable
{
    private readonly AmazonSQSClient _sqs = moto.CreateSqsClient();

    public void Dispose() => _sqs.Dispose();

    private const string DeadLetteredRequest = """{"bucket":"logs","key":"tmp/a.bin","uploadId":"u-1","attempt":8,"reason":"3 parts remain on attempt 8 of 8"}""";
    private const string PoisonWithBody = """{"reason":"uploadId must be a string; got the number 42","messageId":"m-7","body":"{\"bucket\":\"logs\",\"key\":\"k\",\"uploadId\":42}"}""";
    private const string PoisonWithoutBody = """{"reason":"the record has no body","messageId":"m-8","body":null}""";
    private const string AsyncFailure =
        """{"version":"1.0","timestamp":"2026-01-01T00:00:00Z","requestContext":{"requestId":"r","functionArn":"arn:aws:lambda:us-east-1:1:function:f:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},"requestPayload":{"detail-type":"Scheduled Event","source":"aws.events","detail":{}},"responseContext":{"statusCode":200,"functionError":"Unhandled"},"responsePayload":{"errorMessage":"Task timed out after 60.00 seconds"}}""";
    private const string RedriveOriginal = """{"sweep":{"bucket":"logs","olderThan":"P1D"}}""";

    private async Task<string> QueueAsync()
    {
        var created = await _sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = $"q-{Guid.NewGuid():N}" });
        return created.QueueUrl;
    }

    private async Task SendAsync(string queueUrl, params string[] bodies)
    {
        foreach (var body in bodies)
            await _sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body });
    }

    /// <summary>Every body the queue holds now (received, then made visible again).</summary>
    private async Task<List<string>> BodiesAsync(string queueUrl)
    {
        var bodies = new List<string>();
        while (true)
        {
            var batch = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, VisibilityTimeout = 60 });
            if (batch.Messages is not { Count: > 0 })
                return bodies;
            bodies.AddRange(batch.Messages.Select(m => m.Body));
        }
    }

    private async Task<(int Code, JsonElement Report, string Stderr)> Dlq(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var merged = moto.FunctionEnvironment(env.Select(e => (e.Key, e.Value)).ToArray());
        var run = await MpaProcess.RunAsync(merged, ["dlq", "--json", .. args]);
        run.Stdout.Should().NotBeEmpty(run.Stderr);
        return (run.ExitCode, JsonDocument.Parse(run.Stdout).RootElement.Clone(), run.Stderr);
    }

    [Fact]
    public async Task Dlq_List_ExplainsEveryShapeAndLeavesTheQueueAsItWas()
    {
        var dlq = await QueueAsync();
        await SendAsync(dlq, DeadLetteredRequest, PoisonWithBody, AsyncFailure, RedriveOriginal);

        var (code, report, stderr) = await Dlq(new Dictionary<string, string?> { ["DEAD_LETTER_QUEUE_URL"] = dlq });

        code.Should().Be(0, stderr);
        report.GetProperty("count").GetInt32().Should().Be(4);
        var messages = report.GetProperty("messages").EnumerateArray().ToDictionary(m => m.GetProperty("shape").GetString()!);
        messages.Keys.Should().BeEquivalentTo(["request", "poison", "async-failure", "original"]);
        messages["request"].GetProperty("reason").GetString().Should().Be("3 parts remain on attempt 8 of 8");
        messages["request"].GetProperty("about").GetString().Should().Be("logs/tmp/a.bin u-1");
        messages["poison"].GetProperty("reason").GetString().Should().Be("uploadId must be a string; got the number 42");
        messages["async-failure"].GetProperty("reason").GetString().Should().Be("RetriesExhausted: Task timed out after 60.00 seconds");
        messages["original"].GetProperty("reason").GetString().Should().Contain("maxReceiveCount");
        report.GetProperty("deleted").GetInt32().Should().Be(0);
        (await BodiesAsync(dlq)).Should().HaveCount(4, "a listing releases every message it read");
    }

    [Fact]
    public async Task Dlq_RedriveToRetry_SendsEachFedBackBodyAndDeletesOnlyThose()
    {
        var dlq = await QueueAsync();
        var retry = await QueueAsync();
        await SendAsync(dlq, DeadLetteredRequest, PoisonWithBody, PoisonWithoutBody, AsyncFailure);

        var (code, report, stderr) = await Dlq(new Dictionary<string, string?> { ["DEAD_LETTER_QUEUE_URL"] = dlq, ["RETRY_QUEUE_URL"] = retry }, "--redrive");

        code.Should().Be(1, "the poison record without a body cannot be fed back; " + stderr);
        report.GetProperty("deleted").GetInt32().Should().Be(3);
        var sent = await BodiesAsync(retry);
        sent.Should().HaveCount(3);
        sent.Should().Contain("""{"bucket":"logs","key":"tmp/a.bin","uploadId":"u-1","attempt":0}""", "a dead-lettered request starts over at attempt 0, its old reason dropped");
        sent.Should().Contain("""{"bucket":"logs","key":"k","uploadId":42}""", "a poison record is fed back as the body it wrapped");
        sent.Should().Contain(s => s.Contains("\"detail-type\":\"Scheduled Event\"", StringComparison.Ordinal), "an async failure is fed back as its request payload");
        (await BodiesAsync(dlq)).Should().Equal(PoisonWithoutBody);
    }

    [Fact]
    public async Task Dlq_OnACosLedgerBesideTheRetryLedger_ListsAndRedrivesIt()
    {
        // Issue 22 defect 7: mpa dlq handed a cos:// URL to an SQS client, so IBM's dead-letter ledger could not be read.
        using var s3 = moto.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync();
        var deadLetters = new CosLedger(s3, new CosLocation(bucket, "retry-dead-letters/"), TimeProvider.System);
        foreach (var body in new[] { DeadLetteredRequest, PoisonWithBody })
            await deadLetters.SendAsync(body, TimeSpan.Zero, CancellationToken.None);
        var env = new Dictionary<string, string?> { ["RETRY_QUEUE_URL"] = $"cos://{bucket}/retry/" };

        var (listCode, listing, listErr) = await Dlq(env);
        var (code, report, stderr) = await Dlq(env, "--redrive");

        listCode.Should().Be(0, listErr);
        listing.GetProperty("queue").GetString().Should().Be($"cos://{bucket}/retry-dead-letters/");
        listing.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("shape").GetString()).Should().BeEquivalentTo("request", "poison");
        code.Should().Be(0, stderr);
        report.GetProperty("deleted").GetInt32().Should().Be(2);
        var left = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        left.S3Objects.Select(o => o.Key.Split('/')[0]).Should().Equal(["retry", "retry"], "both were fed back to the retry ledger and deleted from the dead letters");
    }

    [Fact]
    public async Task Dlq_RedriveDryRun_SendsAndDeletesNothing()
    {
        var dlq = await QueueAsync();
        var retry = await QueueAsync();
        await SendAsync(dlq, DeadLetteredRequest, RedriveOriginal);

        var (code, report, stderr) = await Dlq(new Dictionary<string, string?> { ["DEAD_LETTER_QUEUE_URL"] = dlq, ["RETRY_QUEUE_URL"] = retry }, "--redrive", "--dry-run");

        code.Should().Be(0, stderr);
        report.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("redrive").GetString()).Should().AllBe("would send it to the retry queue");
        (await BodiesAsync(retry)).Should().BeEmpty();
        (await BodiesAsync(dlq)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Dlq_RedriveRun_AbortsTheUploadNowAndDeletesTheMessage()
    {
        using var s3 = moto.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var uploadId = await seeder.UploadAsync(bucket, "big.bin", parts: 2);
        var dlq = await QueueAsync();
        await SendAsync(dlq, $$"""{"bucket":"{{bucket}}","key":"big.bin","uploadId":"{{uploadId}}","attempt":8,"reason":"SlowDown on attempt 8 of 8"}""");

        var (code, report, stderr) = await Dlq(new Dictionary<string, string?> { ["DEAD_LETTER_QUEUE_URL"] = dlq }, "--redrive", "--to", "run");

        code.Should().Be(0, stderr);
        report.GetProperty("messages")[0].GetProperty("redrive").GetString().Should().Be("ran: aborted 1; deleted");
        (await seeder.PartCountAsync(bucket, "big.bin", uploadId)).Should().BeNull("the upload is gone");
        (await BodiesAsync(dlq)).Should().BeEmpty();
    }

    [Fact]
    public async Task Dlq_WithoutAQueue_NamesTheVariableAndExitsThree()
    {
        var run = await MpaProcess.RunAsync(new Dictionary<string, string?>(), "dlq");

        run.ExitCode.Should().Be(3);
        run.Stderr.Should().Contain("set DEAD_LETTER_QUEUE_URL or pass --queue");
    }
}
