using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>The published bootstrap, run as Lambda runs it, on a real store: Ceph RGW (the queues stay on moto).</summary>
[Collection("moto")]
public sealed class BootstrapOnRgwTests(MotoServer moto, RgwOnDemand rgw) : IClassFixture<RgwOnDemand>
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3); // a hang guard, generous for a loaded 2-core box

    [Theory, OnRgw]
    public async Task AbortAndSweepEvents_OnRgw_EndAborted(string store)
    {
        store.Should().Be("rgw");
        using var s3 = rgw.Store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var named = await seeder.UploadAsync(bucket, "logs/a b.bin", parts: 2);
        var stale = await seeder.UploadAsync(bucket, "tmp/stale.bin");
        var env = rgw.Store.StoreEnvironment();
        env[EnvironmentVariables.SqsEndpoint] = moto.Endpoint.ToString();
        env[EnvironmentVariables.SweepMinAge] = "PT0S";
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = ChildProcess.Start(await PublishedBootstrap.PathAsync(), LambdaEnvironment.Apply(env, api));

        var abort = await api.Enqueue("req-abort", JsonSerializer.Serialize(new { bucket, key = "logs/a b.bin", uploadId = named })).WaitAsync(Guard);
        var sweep = await api.Enqueue("req-sweep", JsonSerializer.Serialize(new { sweep = new { bucket, prefix = "tmp/", olderThan = "PT0S" } })).WaitAsync(Guard);

        abort.Kind.Should().Be(RecordedAnswer.Response, abort.Body);
        abort.Json.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("aborted", abort.Body);
        abort.Json.GetProperty("results")[0].GetProperty("bytesReclaimed").GetInt64().Should().Be(32);
        sweep.Kind.Should().Be(RecordedAnswer.Response, sweep.Body);
        sweep.Json.GetProperty("summary").GetProperty("sweep").GetProperty("aborted").GetInt32().Should().Be(1, sweep.Body);
        (await seeder.PartCountAsync(bucket, "logs/a b.bin", named)).Should().BeNull();
        (await seeder.PartCountAsync(bucket, "tmp/stale.bin", stale)).Should().BeNull();
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }
}
