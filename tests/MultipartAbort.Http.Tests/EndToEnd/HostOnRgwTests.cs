using Amazon.S3.Model;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;
using static MultipartAbort.Http.Tests.Infrastructure.HostRequests;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>
/// The published HTTP host on a real store, Ceph RGW (which checks signatures and dates uploads for real): a signed
/// webhook aborts, and the cron's CloudEvent drains the cos:// retry ledger kept in an RGW bucket.
/// </summary>
[Collection("moto")]
public sealed class HostOnRgwTests(RgwOnDemand rgw) : IClassFixture<RgwOnDemand>
{
    [Theory, OnRgw]
    public async Task SignedWebhookAndCloudEventTick_OnRgw_AbortAndDrainTheLedgerKeptThere(string store)
    {
        store.Should().Be("rgw");
        using var s3 = rgw.Store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var ledger = await seeder.BucketAsync(MotoServer.UniqueBucket("ledger"));
        var now = await seeder.UploadAsync(bucket, "data/now.bin", parts: 2);
        var later = await seeder.UploadAsync(bucket, "data/later.bin", parts: 1);
        var env = rgw.Store.StoreEnvironment();
        env[EnvironmentVariables.WebhookSecret] = HostRequests.Secret;
        env[EnvironmentVariables.CloudEventsTrusted] = "true";
        env[EnvironmentVariables.RetryQueueUrl] = $"cos://{ledger}/retry/";
        await using var host = await HostProcess.StartAsync(env);

        var abort = AbortRequest(bucket, "data/now.bin", now);
        var (abortStatus, abortResult) = await host.SendAsync(Post("/", abort).Signed(abort));
        // A timer due in 2 s is passed on through the ledger: an object in the RGW bucket, run by the next tick.
        var due = DateTimeOffset.UtcNow.AddSeconds(2).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var timer = $$"""{"bucket":"{{bucket}}","key":"data/later.bin","uploadId":"{{later}}","notBefore":"{{due}}"}""";
        var (timerStatus, timerResult) = await host.SendAsync(Post("/", timer).Signed(timer));
        var entries = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = ledger, Prefix = "retry/" })).S3Objects ?? [];
        await Task.Delay(TimeSpan.FromSeconds(3)); // a real wait until the timer is due
        var (tickStatus, _) = await host.SendAsync(BinaryCloudEvent(""));

        abortStatus.Should().Be(200);
        abortResult.Outcome().Should().Be("aborted");
        (await seeder.PartCountAsync(bucket, "data/now.bin", now)).Should().BeNull();
        timerStatus.Should().Be(200);
        timerResult.Outcome().Should().Be("requeued");
        entries.Should().ContainSingle("the timer waits in the ledger in RGW");
        tickStatus.Should().Be(200);
        (await seeder.PartCountAsync(bucket, "data/later.bin", later)).Should().BeNull("the tick drained the due timer and aborted its upload");
        ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = ledger, Prefix = "retry/" })).S3Objects ?? []).Should().BeEmpty();
    }
}
