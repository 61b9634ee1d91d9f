using System.Text.Json;
using Amazon.S3.Model;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Lambda.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Lambda.Tests.EndToEnd;

/// <summary>
/// The EventBridge scheduled tick on the published bootstrap with a cos:// retry ledger: the same tick as every carrier's,
/// so the ledger's due entries run here too, before the report, and the report's EMF lines are written.
/// </summary>
[Collection("moto")]
public sealed class TickEndToEndTests(MotoServer moto)
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3); // a hang guard, generous for a loaded 2-core box
    private readonly StoreSeeder _seeder = new(moto.CreateS3Client());

    [Fact]
    public async Task ScheduledTick_WithACosLedger_DrainsTheDueEntry_ThenReportsWhatIsLeft_WithItsEmfLines()
    {
        var bucket = await _seeder.BucketAsync();
        var owed = await _seeder.UploadAsync(bucket, "data/owed.bin", parts: 2);
        await _seeder.UploadAsync(bucket, "keep/live.bin", parts: 1);
        var ledger = await _seeder.BucketAsync(MotoServer.UniqueBucket("ledger"));
        using (var s3 = moto.CreateS3Client())
        {
            var entry = JsonSerializer.Serialize(new Dictionary<string, string> { ["bucket"] = bucket, ["key"] = "data/owed.bin", ["uploadId"] = owed });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = ledger, Key = "retry/20000101T000000.000Z-00000000000000aa.json", ContentBody = entry });
        }
        await using var api = await FakeRuntimeApi.StartAsync();
        var env = LambdaEnvironment.For(moto, api, (EnvironmentVariables.RetryQueueUrl, $"cos://{ledger}/retry/"), (EnvironmentVariables.ReportTargets, bucket));
        await using var function = ChildProcess.Start(await PublishedBootstrap.PathAsync(), env);

        var answer = await api.Enqueue("req-tick", """{"version":"0","id":"t-1","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{}}""").WaitAsync(Guard);

        answer.Kind.Should().Be(RecordedAnswer.Response, answer.Body);
        var summary = answer.Json.GetProperty("summary");
        (await _seeder.PartCountAsync(bucket, "data/owed.bin", owed)).Should().BeNull("the tick ran the due entry and aborted its upload");
        summary.GetProperty("retryLedger").GetProperty("settled").GetInt32().Should().Be(1, summary.ToString());
        summary.GetProperty("aborted").GetInt32().Should().Be(1);
        var reported = summary.GetProperty("report").GetProperty("buckets").EnumerateArray().Should().ContainSingle().Subject;
        reported.GetProperty("uploads").GetInt32().Should().Be(1, "the report comes after the drain: only the live upload is left");
        var emf = await function.WaitForLineAsync(l => PowertoolsFormat.IsEmf(l) && l.TryGetProperty("Bucket", out var b) && b.GetString() == bucket, Guard);
        emf.GetProperty("IncompleteUploads").GetInt64().Should().Be(1);
    }
}
