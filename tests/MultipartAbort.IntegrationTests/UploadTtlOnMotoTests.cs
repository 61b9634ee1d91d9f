using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.SQS.Model;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Adapters;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// Arming the upload TTL from the two samples through the real handlers, built by the composition root on moto: the
/// timer is a message in moto's SQS with the right notBefore, delayed by SQS itself.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class UploadTtlOnMotoTests(MotoServer moto) : IDisposable
{
    private readonly Amazon.SQS.AmazonSQSClient _sqs = moto.CreateSqsClient();

    public void Dispose() => _sqs.Dispose();

    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", name));

    private static DateTimeOffset EventTime(string json, params string[] path)
    {
        var e = JsonDocument.Parse(json).RootElement;
        foreach (var name in path)
            e = e.GetProperty(name);
        return DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture);
    }

    private async Task<(string Queue, FunctionServices Services)> ArmedServicesAsync(string ttl, TimeProvider clock)
    {
        var queue = (await _sqs.CreateQueueAsync($"ttl-{Guid.NewGuid():N}")).QueueUrl;
        var env = new DictionaryEnvironment(moto.FunctionEnvironment(("RETRY_QUEUE_URL", queue), ("UPLOAD_TTL", ttl)));
        return (queue, ServiceComposition.Create(env, TextWriter.Null, time: clock));
    }

    private static async Task<InvocationResult> Invoke(FunctionServices services, string json) =>
        (await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None))).Result!;


    private async Task<Dictionary<string, string>> QueueCountsAsync(string queue) =>
        (await _sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queue, AttributeNames = ["All"] })).Attributes;

    [Fact]
    public async Task CloudTrailSample_ArmsAKeyTimer_InSqs_DueAtEventTimePlusTtl()
    {
        var json = Sample("eventbridge-cloudtrail-create-multipart-upload.json");
        var eventTime = EventTime(json, "detail", "eventTime");
        // One second before the timer is due: SQS holds the message that one second.
        var (queue, services) = await ArmedServicesAsync("PT2H", new FakeTimeProvider(eventTime + TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1)));

        var result = (await Invoke(services, json)).Results.Single();
        var timer = await SqsReceive.OneAsync(_sqs, queue);

        result.Outcome.Should().Be(AbortOutcome.Requeued);
        result.Message.Should().Contain("with a delay of 1 s");
        timer.GetProperty("bucket").GetString().Should().Be("amzn-s3-demo-bucket");
        timer.GetProperty("key").GetString().Should().Be("backups/2024-07-02/db.tar");
        timer.TryGetProperty("uploadId", out _).Should().BeFalse();
        timer.GetProperty("initiatedAt").GetString().Should().Be("2024-07-02T00:22:11.000Z");
        timer.GetProperty("notBefore").GetString().Should().Be("2024-07-02T02:22:11.000Z");
        timer.GetProperty("attempt").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task ActivityTrackerSample_ArmsATimerForItsUploadId_AndSqsHoldsItForTheFifteenMinuteCap()
    {
        var json = Sample("cloudevent-activity-tracker-multipart-start.json");
        var eventTime = EventTime(json, "data", "eventTime");
        var (dueQueue, dueSoon) = await ArmedServicesAsync("PT2H", new FakeTimeProvider(eventTime + TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1)));
        var (farQueue, farOff) = await ArmedServicesAsync("PT2H", new FakeTimeProvider(eventTime + TimeSpan.FromSeconds(30)));

        (await Invoke(dueSoon, json)).Results.Single().Outcome.Should().Be(AbortOutcome.Requeued);
        var far = (await Invoke(farOff, json)).Results.Single();
        var timer = await SqsReceive.OneAsync(_sqs, dueQueue);
        var counts = await QueueCountsAsync(farQueue);

        timer.GetProperty("bucket").GetString().Should().Be("at-frankfurt");
        timer.GetProperty("key").GetString().Should().Be("3a941d8f1f.2020-03-07.70.json.gz");
        timer.GetProperty("uploadId").GetString().Should().Be("0100017a-9e1f-4a6b-8c3d-2f5e6a7b8c9d");
        timer.GetProperty("notBefore").GetString().Should().Be("2020-03-08T14:22:01.000Z");
        far.Message.Should().Contain("with a delay of 900 s");
        counts["ApproximateNumberOfMessagesDelayed"].Should().Be("1", "SQS holds the timer for the 15-minute delay");
        counts["ApproximateNumberOfMessages"].Should().Be("0");
    }

    [Fact]
    public async Task DueTimer_OfAnActiveUpload_IsPassedOnToTheCap_AndAbortedOnceItIsReached_SayingSo()
    {
        using var s3 = moto.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var id = await seeder.UploadAsync(bucket, "live.bin");
        // moto dates every upload here; its parts carry real times, so on this clock the part landed long "after now".
        var initiated = DateTimeOffset.Parse("2010-11-10T20:48:33Z", CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(initiated + TimeSpan.FromMinutes(10));
        var settings = Core.Configuration.Settings.Load(
            new DictionaryEnvironment(moto.FunctionEnvironment(("MIN_IDLE", "PT1H"), ("MAX_UPLOAD_AGE", "PT30M"), ("UPLOAD_TTL", "PT1S")))
        );
        var retry = new RecordingQueue();
        // A recording queue: SQS would hold the passed-on timer for its real 15 minutes.
        var services = FunctionServices.Create(settings, new S3ObjectStore(AwsClients.CreateS3(settings)), new Core.Ports.QueuePair(retry, null), TextWriter.Null, time: clock);
        var timer = JsonSerializer.Serialize(new { bucket, key = "live.bin", uploadId = id, notBefore = Core.Events.Rfc3339.Format(clock.GetUtcNow().AddSeconds(-1)) });

        var early = (await Invoke(services, timer)).Results.Single();
        var passedOn = retry.Sent.Should().ContainSingle().Which;
        clock.SetUtcNow(initiated + TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        var due = (await Invoke(services, passedOn.Body)).Results.Single();

        early.Outcome.Should().Be(AbortOutcome.Requeued, "a part landed within MIN_IDLE");
        JsonDocument.Parse(passedOn.Body).RootElement.GetProperty("notBefore").GetString().Should().Be("2010-11-10T21:18:33.000Z", "the cap comes before the hour of idleness");
        due.Outcome.Should().Be(AbortOutcome.Aborted);
        due.StaleBy.Should().Be(AbortResult.StaleByMaxUploadAge);
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }
}
