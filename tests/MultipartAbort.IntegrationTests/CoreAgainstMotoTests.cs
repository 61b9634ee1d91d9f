using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.IntegrationTests;

/// <summary>The core with the real AWS SDK against a real moto server (S3 and SQS) over HTTP.</summary>
[Collection(MotoCollection.Name)]
public sealed class CoreAgainstMotoTests(MotoServer moto) : IDisposable
{
    private readonly Amazon.S3.AmazonS3Client _s3 = moto.CreateS3Client();
    private readonly Amazon.SQS.AmazonSQSClient _sqs = moto.CreateSqsClient();
    private StoreSeeder Seeder => new(_s3);

    public void Dispose()
    {
        _s3.Dispose();
        _sqs.Dispose();
    }

    /// <summary>The services exactly as a host builds them: from environment variables.</summary>
    private FunctionServices Services(params (string, string?)[] env) =>
        ServiceComposition.Create(new DictionaryEnvironment(moto.FunctionEnvironment(env)), TextWriter.Null);

    private static async Task<InvocationResult> Invoke(FunctionServices services, string json) =>
        (await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None))).Result!;

    private static string Request(string bucket, string key, string uploadId, int attempt = 0) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["bucket"] = bucket, ["key"] = key, ["uploadId"] = uploadId, ["attempt"] = attempt });

    [Fact]
    public async Task Abort_LiveUploadWithParts_IsAbortedAndListPartsIsClean()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "data/big.bin", parts: 3, partSize: 1024);

        var result = (await Invoke(Services(), Request(bucket, "data/big.bin", uploadId))).Results.Single();

        result.Outcome.Should().Be(AbortOutcome.Aborted);
        result.AbortCalls.Should().Be(1);
        result.BytesReclaimed.Should().Be(3 * 1024);
        (await Seeder.PartCountAsync(bucket, "data/big.bin", uploadId)).Should().BeNull("the upload is gone");
        (await Seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    [Fact]
    public async Task Abort_TwiceOrUnknown_IsAlreadyGone()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "k", parts: 1);
        var services = Services();

        var first = (await Invoke(services, Request(bucket, "k", uploadId))).Results.Single();
        var second = (await Invoke(services, Request(bucket, "k", uploadId))).Results.Single();
        var unknown = (await Invoke(services, Request(bucket, "k", "no-such-upload"))).Results.Single();
        var noBucket = (await Invoke(services, Request("no-such-bucket-xyz", "k", "u"))).Results.Single();

        first.Outcome.Should().Be(AbortOutcome.Aborted);
        second.Outcome.Should().Be(AbortOutcome.AlreadyGone);
        unknown.Outcome.Should().Be(AbortOutcome.AlreadyGone);
        noBucket.Outcome.Should().NotBe(AbortOutcome.AlreadyGone, "a missing bucket is an error, never a clean upload");
        noBucket.Message.Should().Contain("NoSuchBucket");
    }

    [Theory]
    [InlineData("with space/file name.txt")]
    [InlineData("unicode/ü ñ 日本語 😀.bin")]
    [InlineData("plus/a+b+c.bin")]
    [InlineData("odd/%20 & = ? #.bin")]
    public async Task Abort_KeysThatNeedEscaping_AreAbortedAndVerified(string key)
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, key, parts: 2);

        var result = (await Invoke(Services(), Request(bucket, key, uploadId))).Results.Single();

        result.Outcome.Should().Be(AbortOutcome.Aborted);
        result.Key.Should().Be(key);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull();
    }

    [Fact]
    public async Task Abort_PartsOverSeveralListPartsPages_CountsEveryPage()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "many", parts: 250, partSize: 8);
        var store = new S3ObjectStore(_s3, partsPageSize: 100);

        var census = await PartsCensus.TakeAsync(store, new UploadRef(bucket, "many", uploadId), CancellationToken.None);
        var handler = FunctionServices.Create(new Settings(), store, QueuePair.None, TextWriter.Null);
        var result = await handler.Workflow.RunAsync(new AbortRequest(bucket, "many", uploadId), AbortOptions.Direct, handler.Begin(null, CancellationToken.None));

        census.Should().Be(new PartsCensus(true, 250, 250 * 8) { NewestPart = census.NewestPart });
        census.NewestPart.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(2), "ListParts gives each part's LastModified");
        result.Outcome.Should().Be(AbortOutcome.Aborted);
        result.BytesReclaimed.Should().Be(250 * 8);
    }

    /// <summary>
    /// The store behind a proxy on which parts land after every abort (moto cannot do that; the proxy plays the
    /// landed parts), and the real SDK adapter pointed at it.
    /// </summary>
    private async Task<(LoopbackS3Proxy Proxy, IObjectStore Store, Settings Settings)> StoreWithLatePartsAsync(int partsPerLanding, params (string, string?)[] env)
    {
        var proxy = await LoopbackS3Proxy.StartAsync(moto.Endpoint, new LatePartsAfterAbort(landings: 100, partsPerLanding));
        var variables = moto.FunctionEnvironment(env);
        variables[EnvironmentVariables.CosEndpoint] = proxy.Endpoint.ToString();
        var settings = Settings.Load(new DictionaryEnvironment(variables));
        return (proxy, new S3ObjectStore(AwsClients.CreateS3(settings)), settings);
    }

    [Fact]
    public async Task Abort_WhenPartsRemain_RequeuesToSqsWithDelayAndNextAttempt()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "stuck", parts: 2);
        var queueUrl = (await _sqs.CreateQueueAsync($"retry-{Guid.NewGuid():N}")).QueueUrl;
        var (proxy, store, settings) = await StoreWithLatePartsAsync(2, ("RETRY_QUEUE_URL", queueUrl), ("RETRY_BASE_DELAY", "PT2S"), ("IMMEDIATE_REABORTS", "1"));
        await using var _ = proxy;
        var handler = FunctionServices.Create(settings with { ReabortBackoff = TimeSpan.Zero }, store, AwsClients.CreateQueues(settings), TextWriter.Null);

        var result = await handler.Workflow.RunAsync(new AbortRequest(bucket, "stuck", uploadId) { Attempt = 1 }, AbortOptions.Direct, handler.Begin(null, CancellationToken.None));

        result.Outcome.Should().Be(AbortOutcome.Requeued);
        result.AbortCalls.Should().Be(2);
        proxy.AbortsByUploadId[uploadId].Should().Be(2);
        result.PartsRemaining.Should().Be(2, "two parts landed after each abort and ListParts lists them");
        result.Message.Should().Be("2 parts remain after 2 abort calls; re-queued as attempt 2 in 4 s");
        var sent = await _sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 20, MessageSystemAttributeNames = ["SentTimestamp", "ApproximateFirstReceiveTimestamp"] }
        );
        var message = sent.Messages.Should().ContainSingle().Which;
        // SQS's own clock says how long the message was held: no earlier receive can see it, whatever the scheduling here.
        var held = long.Parse(message.Attributes["ApproximateFirstReceiveTimestamp"], CultureInfo.InvariantCulture) - long.Parse(message.Attributes["SentTimestamp"], CultureInfo.InvariantCulture);
        held.Should().BeGreaterThanOrEqualTo(4000, "the message is delayed by 4 s (PT2S doubled once)");
        var body = JsonDocument.Parse(message.Body).RootElement;
        body.GetProperty("bucket").GetString().Should().Be(bucket);
        body.GetProperty("uploadId").GetString().Should().Be(uploadId);
        body.GetProperty("attempt").GetInt32().Should().Be(2);
        body.GetProperty("reason").GetString().Should().Be("2 parts remain after 2 abort calls");
    }

    [Fact]
    public async Task Abort_OnLastAttempt_DeadLettersToSqsWithTheReason()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "stuck", parts: 1);
        var retryUrl = (await _sqs.CreateQueueAsync($"retry-{Guid.NewGuid():N}")).QueueUrl;
        var dlqUrl = (await _sqs.CreateQueueAsync($"dlq-{Guid.NewGuid():N}")).QueueUrl;
        var (proxy, store, settings) = await StoreWithLatePartsAsync(
            1, ("RETRY_QUEUE_URL", retryUrl), ("DEAD_LETTER_QUEUE_URL", dlqUrl), ("MAX_ATTEMPTS", "3"), ("IMMEDIATE_REABORTS", "0")
        );
        await using var _ = proxy;
        var handler = FunctionServices.Create(settings, store, AwsClients.CreateQueues(settings), TextWriter.Null);

        var result = await handler.Workflow.RunAsync(new AbortRequest(bucket, "stuck", uploadId) { Attempt = 2 }, AbortOptions.Direct, handler.Begin(null, CancellationToken.None));

        result.Outcome.Should().Be(AbortOutcome.DeadLettered);
        var dead = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = dlqUrl, WaitTimeSeconds = 5 });
        var body = JsonDocument.Parse(dead.Messages.Should().ContainSingle().Which.Body).RootElement;
        body.GetProperty("reason").GetString().Should().Be("1 parts remain after 1 abort calls on attempt 3 of 3");
        body.GetProperty("attempt").GetInt32().Should().Be(2);
        var retried = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = retryUrl });
        (retried.Messages ?? []).Should().BeEmpty();
    }

    [Fact]
    public async Task SqsBatch_PoisonRecordGoesToDeadLetterQueueAndGoodRecordIsAborted()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "k", parts: 1);
        var dlqUrl = (await _sqs.CreateQueueAsync($"dlq-{Guid.NewGuid():N}")).QueueUrl;
        var services = Services(("DEAD_LETTER_QUEUE_URL", dlqUrl));
        var good = JsonSerializer.Serialize(Request(bucket, "k", uploadId));
        var evt = $$"""{"Records":[{"messageId":"m1","body":{{good}},"eventSource":"aws:sqs"},{"messageId":"m2","body":"{\"bucket\":\"{{bucket}}\"}","eventSource":"aws:sqs"}]}""";

        var response = await services.Events.HandleAsync(Encoding.UTF8.GetBytes(evt), services.Begin(null, CancellationToken.None));

        response.BodyText.Should().Be("""{"batchItemFailures":[]}""");
        (await Seeder.PartCountAsync(bucket, "k", uploadId)).Should().BeNull();
        var dead = await _sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = dlqUrl, WaitTimeSeconds = 5 });
        var body = JsonDocument.Parse(dead.Messages.Should().ContainSingle().Which.Body).RootElement;
        body.GetProperty("messageId").GetString().Should().Be("m2");
        body.GetProperty("reason").GetString().Should().Be("key is missing; uploadId is missing");
    }

    [Fact]
    public async Task DryRun_ReportsWouldAbortAndLeavesTheUpload()
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "k", parts: 2);

        var result = (await Invoke(Services(("DRY_RUN", "true")), Request(bucket, "k", uploadId))).Results.Single();

        result.Outcome.Should().Be(AbortOutcome.WouldAbort);
        result.PartsRemaining.Should().Be(2);
        (await Seeder.PartCountAsync(bucket, "k", uploadId)).Should().Be(2);
    }

    [Fact]
    public async Task MinUploadAge_LooksUpInitiatedInTheListing()
    {
        // moto reports every upload as initiated in 2010, so a minimum age of a day lets it through
        // and one of 100 years does not.
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, "k", parts: 1);

        var tooYoung = (await Invoke(Services(("MIN_UPLOAD_AGE", "P36500D")), Request(bucket, "k", uploadId))).Results.Single();
        var oldEnough = (await Invoke(Services(("MIN_UPLOAD_AGE", "P1D")), Request(bucket, "k", uploadId))).Results.Single();

        tooYoung.Outcome.Should().Be(AbortOutcome.Rejected);
        tooYoung.Message.Should().Contain("2010-11-10");
        oldEnough.Outcome.Should().Be(AbortOutcome.Aborted);
    }

    public static TheoryData<string> OddButValidKeys => new() { "../a", "a//b", "x%2Fy", "+", "a/./b", "./c", new string('k', 1024), "dir/" + new string('\u00e9', 510) };

    [Theory]
    [MemberData(nameof(OddButValidKeys))]
    public async Task Abort_OddButValidKey_IsActedOnExactlyAsNamed(string key)
    {
        var bucket = await Seeder.BucketAsync();
        var uploadId = await Seeder.UploadAsync(bucket, key, parts: 1);
        var neighbours = new[] { "a", "a/b", "x/y", "b", "c" };
        var others = new Dictionary<string, string>();
        foreach (var other in neighbours.Where(n => n != key))
            others[other] = await Seeder.UploadAsync(bucket, other, parts: 1);

        var result = (await Invoke(Services(), Request(bucket, key, uploadId))).Results.Single();

        result.Outcome.Should().Be(AbortOutcome.Aborted, result.Message);
        result.Key.Should().Be(key);
        (await Seeder.PartCountAsync(bucket, key, uploadId)).Should().BeNull();
        foreach (var (other, id) in others)
            (await Seeder.PartCountAsync(bucket, other, id)).Should().Be(1, $"'{key}' must not be normalised onto '{other}'");
    }
}
