using System.Text.Json;
using Amazon.S3.Model;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Http.Tests.Infrastructure;
using MultipartAbort.Testing;
using static MultipartAbort.Http.Tests.Infrastructure.HostRequests;

namespace MultipartAbort.Http.Tests.EndToEnd;

/// <summary>
/// The tick on the published host as IBM's standard deployment runs it (a cos:// retry ledger, REPORT_TARGETS): the
/// Code Engine cron CloudEvent and OpenWhisk's /run without parameters are one tick, which drains the ledger's due
/// entries, runs the sweeps, reports, and sets the gauges of /metrics, in one answer.
/// </summary>
[Collection("moto")]
public sealed class TickTests(MotoServer moto) : HostTestBase(moto)
{
    /// <summary>A due ledger entry (named by a due time long past) asking to abort <paramref name="uploadId"/>.</summary>
    private async Task<string> LedgerWithADueEntryAsync(string bucket, string key, string uploadId)
    {
        var ledger = await Seeder.BucketAsync(MotoServer.UniqueBucket("ledger"));
        using var s3 = Moto.CreateS3Client();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = ledger, Key = "retry/20000101T000000.000Z-00000000000000aa.json", ContentBody = AbortRequest(bucket, key, uploadId) });
        return ledger;
    }

    private async Task<IReadOnlyList<string>> LedgerKeysAsync(string ledger)
    {
        using var s3 = Moto.CreateS3Client();
        return [.. ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = ledger, Prefix = "retry/" })).S3Objects ?? []).Select(o => o.Key)];
    }

    private static HttpRequestMessage Carrier(string carrier) =>
        carrier == "cron" ? BinaryCloudEvent("") : Post("/run", """{"value":{},"activation_id":"alarm-1","action_name":"/guest/multipart-abort"}""");

    [Theory]
    [InlineData("cron", false)]
    [InlineData("cron", true)]
    [InlineData("openwhisk", false)]
    [InlineData("openwhisk", true)]
    public async Task Tick_WithACosLedgerAndReportTargets_DrainsTheDueEntry_Sweeps_ReportsWhatIsLeft_AndSetsTheGauges(string carrier, bool withSweepTargets)
    {
        var bucket = await Seeder.BucketAsync();
        var owed = await Seeder.UploadAsync(bucket, "data/owed.bin", parts: 2);
        var stale = await Seeder.UploadAsync(bucket, "tmp/stale.bin", parts: 1);
        var kept = await Seeder.UploadAsync(bucket, "keep/live.bin", parts: 3);
        var ledger = await LedgerWithADueEntryAsync(bucket, "data/owed.bin", owed);
        var env = Environment(
            trusted: true,
            extra:
            [
                (EnvironmentVariables.RetryQueueUrl, $"cos://{ledger}/retry/"),
                (EnvironmentVariables.ReportTargets, bucket),
                (EnvironmentVariables.SweepTargets, withSweepTargets ? $"{bucket}/tmp/:P1D" : null),
            ]
        );
        await using var host = await HostProcess.StartAsync(env);

        var (status, result) = await host.SendAsync(Carrier(carrier));
        var metrics = await host.Client.GetStringAsync("metrics");

        status.Should().Be(200, result.ToString());
        var summary = result.GetProperty("summary");
        var left = withSweepTargets ? 1 : 2;
        metrics.Split('\n').Should().Contain(
            l => l.StartsWith("multipart_abort_incomplete_uploads{", StringComparison.Ordinal) && l.Contains($"bucket=\"{bucket}\"", StringComparison.Ordinal) && l.Contains("prefix=\"\"", StringComparison.Ordinal) && l.EndsWith($" {left}", StringComparison.Ordinal),
            "the tick's report sets the gauges the Prometheus alert watches"
        );
        summary.TryGetProperty("report", out _).Should().BeTrue(summary.ToString());
        summary.GetProperty("retryLedger").GetProperty("settled").GetInt32().Should().Be(1, summary.ToString());
        summary.GetProperty("aborted").GetInt32().Should().Be(withSweepTargets ? 2 : 1, "the owed upload, and the stale one when swept");
        (await Seeder.PartCountAsync(bucket, "data/owed.bin", owed)).Should().BeNull("the tick drained the due entry and aborted its upload");
        (await LedgerKeysAsync(ledger)).Should().BeEmpty("the settled entry is deleted");
        summary.TryGetProperty("sweep", out var sweep).Should().Be(withSweepTargets);
        (await Seeder.PartCountAsync(bucket, "tmp/stale.bin", stale)).Should().Be(withSweepTargets ? null : 1);
        summary.TryGetProperty("skipped", out _).Should().BeFalse("the tick had all the time it needed");

        // The report comes last: it counts what the drain and the sweeps left.
        var reported = summary.GetProperty("report").GetProperty("buckets").EnumerateArray().Should().ContainSingle().Subject;
        reported.GetProperty("bucket").GetString().Should().Be(bucket);
        reported.GetProperty("uploads").GetInt32().Should().Be(left, reported.ToString());
        (await Seeder.PartCountAsync(bucket, "keep/live.bin", kept)).Should().Be(3, "a report never aborts");
    }

    [Fact]
    public async Task Tick_WhoseSweepsOutlastTheDeadline_StillDrainsAndReports_OrNamesWhatItSkipped()
    {
        // 300 stale uploads, one at a time behind 100 ms a store call: far more than the 5 s a 15 s request has before
        // its 10 s reserve. The sweeps may not take the report's share, nor the drain's.
        var big = await Seeder.BucketAsync();
        for (var i = 0; i < 300; i++)
            await Seeder.UploadAsync(big, $"tmp/{i:D4}", parts: 0);
        var small = await Seeder.BucketAsync();
        var owed = await Seeder.UploadAsync(small, "data/owed.bin", parts: 1);
        await Seeder.UploadAsync(small, "keep/live.bin", parts: 1);
        var ledger = await LedgerWithADueEntryAsync(small, "data/owed.bin", owed);
        await using var slowStore = await MultipartAbort.Testing.Proxy.LoopbackS3Proxy.StartAsync(Moto.Endpoint, new MultipartAbort.Testing.Proxy.FixedLatency(TimeSpan.FromMilliseconds(100)));
        var env = Environment(
            trusted: true,
            extra:
            [
                (EnvironmentVariables.RetryQueueUrl, $"cos://{ledger}/retry/"),
                (EnvironmentVariables.SweepTargets, $"{big}/tmp/:P1D"),
                (EnvironmentVariables.ReportTargets, small),
                (EnvironmentVariables.SweepConcurrency, "1"),
                (EnvironmentVariables.HttpRequestTimeout, "PT15S"),
            ]
        );
        env[EnvironmentVariables.CosEndpoint] = slowStore.Endpoint.ToString();
        await using var host = await HostProcess.StartAsync(env);

        var (status, result) = await host.SendAsync(BinaryCloudEvent(""));

        status.Should().Be(200, result.ToString());
        var summary = result.GetProperty("summary");
        var skipped = summary.TryGetProperty("skipped", out var s) ? s.EnumerateArray().Select(e => e.GetString()!).ToArray() : [];
        // The drain: its entry settled, or the answer says the ledger was cut short (the entry then waits, never lost).
        if (summary.GetProperty("retryLedger").GetProperty("settled").GetInt32() == 1)
            (await Seeder.PartCountAsync(small, "data/owed.bin", owed)).Should().BeNull();
        else
            skipped.Should().Contain(p => p.StartsWith("retry ledger:", StringComparison.Ordinal), summary.ToString());
        // The sweep did not finish: it is passed on, its continuation written to the ledger for the next tick.
        summary.GetProperty("sweep").GetProperty("continued").GetBoolean().Should().BeTrue(summary.ToString());
        (await LedgerKeysAsync(ledger)).Should().NotBeEmpty("the sweep's continuation waits in the ledger");
        // The report: made (of the small bucket, in full) or named as skipped, never silently missing.
        if (summary.TryGetProperty("report", out var report))
            report.GetProperty("buckets")[0].GetProperty("bucket").GetString().Should().Be(small);
        else
            skipped.Should().Contain("report: deadline; the metrics keep the last report's figures", summary.ToString());
    }
}
