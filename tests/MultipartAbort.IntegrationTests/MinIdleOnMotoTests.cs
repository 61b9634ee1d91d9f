using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Amazon.SQS.Model;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// MIN_IDLE for timers and named aborts, through the real handlers on moto: the part times are moto's own, the
/// function's clock is a fake set from them, and the pass-on is a real (delayed) SQS message.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class MinIdleOnMotoTests(MotoServer moto) : IDisposable
{
    private readonly Amazon.SQS.AmazonSQSClient _sqs = moto.CreateSqsClient();
    private readonly Amazon.S3.AmazonS3Client _s3 = moto.CreateS3Client();

    public void Dispose()
    {
        _sqs.Dispose();
        _s3.Dispose();
    }

    private async Task<(string Queue, FunctionServices Services)> ServicesAsync(TimeProvider clock, params (string, string?)[] env)
    {
        var queue = (await _sqs.CreateQueueAsync($"idle-{Guid.NewGuid():N}")).QueueUrl;
        var variables = moto.FunctionEnvironment([("RETRY_QUEUE_URL", queue), .. env]);
        return (queue, ServiceComposition.Create(new DictionaryEnvironment(variables), TextWriter.Null, time: clock));
    }

    private static async Task<AbortResult> Invoke(FunctionServices services, string json) =>
        (await services.Events.HandleAsync(Encoding.UTF8.GetBytes(json), services.Begin(null, CancellationToken.None))).Result!.Results.Should().ContainSingle().Which;


    /// <summary>When the store says the upload's newest part landed.</summary>
    private async Task<DateTimeOffset> NewestPartAsync(string bucket, string key, string uploadId)
    {
        var parts = (await _s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = key, UploadId = uploadId })).Parts;
        var newest = parts.Max(p => p.LastModified!.Value);
        return new DateTimeOffset(newest.Kind == DateTimeKind.Local ? newest.ToUniversalTime() : DateTime.SpecifyKind(newest, DateTimeKind.Utc));
    }

    private static string Timer(string bucket, string key, string uploadId, DateTimeOffset notBefore, int attempt = 0) =>
        $$"""{"bucket":"{{bucket}}","key":"{{key}}","uploadId":"{{uploadId}}","notBefore":"{{Rfc3339.Format(notBefore)}}","attempt":{{attempt}}}""";

    [Fact]
    public async Task DueTimer_OnAnUploadStillReceivingParts_PassesItselfOnUntilIdle_ThenAborts()
    {
        var seeder = new StoreSeeder(_s3);
        var bucket = await seeder.BucketAsync();
        var id = await seeder.UploadAsync(bucket, "slow.bin", parts: 2);
        var newest = await NewestPartAsync(bucket, "slow.bin", id);
        var clock = new FakeTimeProvider(newest + TimeSpan.FromSeconds(2));
        var (queue, services) = await ServicesAsync(clock, (EnvironmentVariables.MinIdle, "PT10S"));

        var first = await Invoke(services, Timer(bucket, "slow.bin", id, newest - TimeSpan.FromHours(1)));
        var passedOn = await SqsReceive.OneAsync(_sqs, queue);
        var partsMeanwhile = await seeder.PartCountAsync(bucket, "slow.bin", id);
        clock.SetUtcNow(newest + TimeSpan.FromSeconds(11));
        var second = await Invoke(services, passedOn.GetRawText());

        first.Outcome.Should().Be(AbortOutcome.Requeued);
        first.Message.Should().Contain("active: its newest of 2 parts landed").And.Contain("with a delay of 8 s");
        passedOn.GetProperty("notBefore").GetString().Should().Be(Rfc3339.Format(newest + TimeSpan.FromSeconds(10)), "it is due when the newest part is MIN_IDLE old");
        passedOn.GetProperty("attempt").GetInt32().Should().Be(1, "each pass-on for activity counts, so MAX_ATTEMPTS bounds the wait");
        partsMeanwhile.Should().Be(2, "an active upload is left alone");
        second.Outcome.Should().Be(AbortOutcome.Aborted);
        (await seeder.PartCountAsync(bucket, "slow.bin", id)).Should().BeNull();
    }

    [Fact]
    public async Task DueTimer_OnItsLastAttempt_AbortsAnUploadThatIsStillActive()
    {
        var seeder = new StoreSeeder(_s3);
        var bucket = await seeder.BucketAsync();
        var id = await seeder.UploadAsync(bucket, "never-stops.bin");
        var newest = await NewestPartAsync(bucket, "never-stops.bin", id);
        var (_, services) = await ServicesAsync(new FakeTimeProvider(newest + TimeSpan.FromSeconds(1)), (EnvironmentVariables.MinIdle, "PT1H"), (EnvironmentVariables.MaxAttempts, "3"));

        var notLast = await Invoke(services, Timer(bucket, "never-stops.bin", id, newest - TimeSpan.FromHours(1), attempt: 1));
        var last = await Invoke(services, Timer(bucket, "never-stops.bin", id, newest - TimeSpan.FromHours(1), attempt: 2));

        notLast.Outcome.Should().Be(AbortOutcome.Requeued);
        last.Outcome.Should().Be(AbortOutcome.Aborted, "the last attempt skips the activity check, so a stuck upload is aborted in the end");
        (await seeder.PartCountAsync(bucket, "never-stops.bin", id)).Should().BeNull();
    }

    [Fact]
    public async Task NamedAbort_IsNotHeldBackByMinIdle_UnlessItCarriesMinIdle()
    {
        var seeder = new StoreSeeder(_s3);
        var bucket = await seeder.BucketAsync();
        var id = await seeder.UploadAsync(bucket, "live.bin", parts: 3);
        var newest = await NewestPartAsync(bucket, "live.bin", id);
        var (_, services) = await ServicesAsync(new FakeTimeProvider(newest + TimeSpan.FromSeconds(1)), (EnvironmentVariables.MinIdle, "PT1H"));
        var named = $$"""{"bucket":"{{bucket}}","key":"live.bin","uploadId":"{{id}}"}""";

        var asked = await Invoke(services, named[..^1] + ""","minIdle":"PT30M"}""");
        var partsAfterAsked = await seeder.PartCountAsync(bucket, "live.bin", id);
        var plain = await Invoke(services, named);

        asked.Outcome.Should().Be(AbortOutcome.Active);
        asked.Message.Should().Contain("less than MIN_IDLE (PT30M) ago; left alone");
        partsAfterAsked.Should().Be(3);
        plain.Outcome.Should().Be(AbortOutcome.Aborted, "an abort that names the upload is the caller's decision");
        (await seeder.PartCountAsync(bucket, "live.bin", id)).Should().BeNull();
    }
}
