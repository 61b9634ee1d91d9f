using System.Diagnostics;
using Amazon.S3.Model;
using MultipartAbort.Adapters.Ledger;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Testing;

namespace MultipartAbort.IntegrationTests;

/// <summary><c>mpa drain</c> as a process against moto: the cos:// retry ledger drained once, as a cron job would.</summary>
[Collection(MotoCollection.Name)]
public sealed class MpaDrainTests(MotoServer moto)
{
    private static async Task<(int Code, string Stdout, string Stderr)> Mpa(IReadOnlyDictionary<string, string?> env, params string[] args)
    {
        var run = await MpaProcess.RunAsync(env, args);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    [Fact]
    public async Task Drain_RunsTheDueEntry_LeavesTheLaterOne_AndExitsZero()
    {
        using var s3 = moto.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var ledger = await seeder.BucketAsync();
        var due = await seeder.UploadAsync(bucket, "due", parts: 2);
        var later = await seeder.UploadAsync(bucket, "later", parts: 1);
        var dueBody = MessageJson.AbortRequest(new AbortRequest(bucket, "due", due) { Attempt = 1 });
        var laterBody = MessageJson.AbortRequest(new AbortRequest(bucket, "later", later) { Attempt = 1 });
        var laterName = LedgerEntryName.Format("retry/", DateTimeOffset.UtcNow.AddHours(1), laterBody);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = ledger, Key = LedgerEntryName.Format("retry/", DateTimeOffset.UtcNow.AddMinutes(-1), dueBody), ContentBody = dueBody });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = ledger, Key = laterName, ContentBody = laterBody });

        var (code, stdout, stderr) = await Mpa(moto.FunctionEnvironment(("RETRY_QUEUE_URL", $"cos://{ledger}/retry/")), "drain");

        code.Should().Be(0, stderr);
        stdout.Should().Contain("1 due, 1 settled").And.Contain("aborted: 1");
        (await seeder.UploadIdsAsync(bucket)).Should().Equal(later);
        (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = ledger })).S3Objects.Select(o => o.Key).Should().Equal(laterName);
    }

    [Fact]
    public async Task Drain_WithoutACosLedger_SaysSoAndExitsThree()
    {
        var (code, stdout, stderr) = await Mpa(moto.FunctionEnvironment(), "drain");

        code.Should().Be(3);
        stderr.Should().Contain("RETRY_QUEUE_URL is not a cos://bucket/prefix/ retry ledger");
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task InvokeEmptyObject_IsTheTick_DrainsTheDueEntryThenReports()
    {
        using var s3 = moto.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var ledger = await seeder.BucketAsync();
        var due = await seeder.UploadAsync(bucket, "due", parts: 2);
        var live = await seeder.UploadAsync(bucket, "live", parts: 1);
        var dueBody = MessageJson.AbortRequest(new AbortRequest(bucket, "due", due) { Attempt = 1 });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = ledger, Key = LedgerEntryName.Format("retry/", DateTimeOffset.UtcNow.AddMinutes(-1), dueBody), ContentBody = dueBody });

        var (code, stdout, stderr) = await Mpa(moto.FunctionEnvironment(("RETRY_QUEUE_URL", $"cos://{ledger}/retry/"), ("REPORT_TARGETS", bucket)), "invoke", "{}");

        code.Should().Be(0, stderr + stdout);
        using var answer = System.Text.Json.JsonDocument.Parse(stdout);
        var summary = answer.RootElement.GetProperty("summary");
        summary.GetProperty("retryLedger").GetProperty("settled").GetInt32().Should().Be(1, stdout);
        summary.GetProperty("report").GetProperty("buckets")[0].GetProperty("uploads").GetInt32().Should().Be(1, "the report follows the drain");
        (await seeder.UploadIdsAsync(bucket)).Should().Equal(live);
    }
}
