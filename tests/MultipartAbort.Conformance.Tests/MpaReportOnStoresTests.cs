using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// <c>mpa report</c> (the native binary) on each store: every bucket the credentials list, bounded by ALLOWED_BUCKETS, per
/// prefix, as JSON and as CSV, against a ground truth worked out from what was seeded; and a bucket it may not read.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class MpaReportOnStoresTests(Stores stores)
{
    private static Dictionary<string, string?> Environment(S3Store store, Uri? through = null, string? allowed = null)
    {
        var env = store.StoreEnvironment(through);
        env["AWS_REGION"] = "us-east-1";
        env.Remove(EnvironmentVariables.MinIdle);
        if (allowed is not null)
            env[EnvironmentVariables.AllowedBuckets] = allowed;
        return env;
    }

    [Theory, OnMoto, OnRgw]
    public async Task Report_AllBucketsWithinAllowedBuckets_PerPrefix_AsJsonAndCsv_EqualsWhatWasSeeded(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var family = $"rpt{Guid.NewGuid():N}"[..16];
        var plans = new[] { new ReportPlan($"{family}-a", 60), new ReportPlan($"{family}-b", 25) };
        var outside = new ReportPlan($"{family}x-c", 5);
        await Task.WhenAll(plans.Append(outside).Select(p => p.SeedAsync(s3)));
        var env = Environment(store, allowed: $"{family}-*");

        var asJson = await MpaProcess.RunAsync(env, "report", "--all-buckets", "--depth", "1", "--json");
        var asCsv = await MpaProcess.RunAsync(env, "report", "--all-buckets", "--depth", "1", "--csv");
        var asTable = await MpaProcess.RunAsync(env, "report", "--bucket", $"{family}-*");

        asJson.ExitCode.Should().Be(0, asJson.Stderr);
        using var json = JsonDocument.Parse(asJson.Stdout);
        var buckets = json.RootElement.GetProperty("report").GetProperty("buckets").EnumerateArray().ToArray();
        buckets.Select(b => b.GetProperty("bucket").GetString()).Should().Equal(plans.Select(p => p.Bucket), "every listed bucket within ALLOWED_BUCKETS, and no other");
        // moto dates uploads 2010 (idle when they have no part); RGW dates them now (active: each began within MIN_IDLE).
        var band = store.RealInitiatedTimes ? "<1d" : ">30d";
        foreach (var (plan, b) in plans.Zip(buckets))
        {
            (b.GetProperty("uploads").GetInt64(), b.GetProperty("parts").GetInt64(), b.GetProperty("bytes").GetInt64()).Should().Be(((long)plan.Uploads.Count, plan.Parts, plan.Bytes));
            b.GetProperty("prefixes").EnumerateArray().ToDictionary(p => p.GetProperty("prefix").GetString()!, p => (p.GetProperty("uploads").GetInt64(), p.GetProperty("parts").GetInt64(), p.GetProperty("bytes").GetInt64()))
                .Should().BeEquivalentTo(plan.ByPrefix(1));
            b.GetProperty("ages").GetProperty(band).GetProperty("uploads").GetInt64().Should().Be(plan.Uploads.Count);
            var active = store.RealInitiatedTimes ? plan.Uploads.Count : plan.Uploads.Count(u => u.Parts > 0);
            b.GetProperty("active").GetProperty("uploads").GetInt64().Should().Be(active);
        }

        asCsv.ExitCode.Should().Be(0, asCsv.Stderr);
        var rows = asCsv.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToArray();
        rows[0].Should().Equal("bucket,level,prefix,group,uploads,parts,bytes,estimated_monthly_cost,oldest,oldest_age_seconds,error".Split(','));
        foreach (var plan in plans)
        {
            var all = rows.Should().ContainSingle(r => r[0] == plan.Bucket && r[1] == "bucket" && r[3] == "all").Which;
            (long.Parse(all[4]), long.Parse(all[5]), long.Parse(all[6])).Should().Be(((long)plan.Uploads.Count, plan.Parts, plan.Bytes));
            foreach (var (prefix, expected) in plan.ByPrefix(1))
            {
                var row = rows.Should().ContainSingle(r => r[0] == plan.Bucket && r[1] == "prefix" && r[2] == prefix && r[3] == "all").Which;
                (long.Parse(row[4]), long.Parse(row[5]), long.Parse(row[6])).Should().Be(expected);
            }
        }
        rows.Should().NotContain(r => r[0] == outside.Bucket);

        asTable.ExitCode.Should().Be(0, asTable.Stderr);
        asTable.Stdout.Should().Contain(plans[0].Bucket).And.Contain(plans[1].Bucket).And.NotContain(outside.Bucket).And.Contain("per GB-month");
        (await new StoreSeeder(s3).UploadIdsAsync(plans[0].Bucket)).Should().HaveCount(plans[0].Uploads.Count, "a report never aborts");
    }

    [Theory, OnMoto]
    public async Task Report_OfABucketItMayNotRead_NamesItWithItsError_ReportsTheOthers_AndExitsNonZero(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var readable = new ReportPlan(MotoServer.UniqueBucket("rpt"), 12);
        var denied = new ReportPlan(MotoServer.UniqueBucket("rpt"), 4);
        await Task.WhenAll(readable.SeedAsync(s3), denied.SeedAsync(s3));
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new FaultInjection().FailBucket(denied.Bucket, InjectedFault.AccessDenied));

        var run = await MpaProcess.RunAsync(Environment(store, proxy.Endpoint), "report", "--bucket", denied.Bucket, "--bucket", readable.Bucket, "--json");

        run.ExitCode.Should().Be(1, "a bucket could not be read");
        run.Stderr.Should().Contain(denied.Bucket).And.Contain("AccessDenied");
        using var json = JsonDocument.Parse(run.Stdout);
        var buckets = json.RootElement.GetProperty("report").GetProperty("buckets").EnumerateArray().ToDictionary(b => b.GetProperty("bucket").GetString()!);
        buckets[readable.Bucket].GetProperty("uploads").GetInt64().Should().Be(readable.Uploads.Count);
        buckets[readable.Bucket].GetProperty("bytes").GetInt64().Should().Be(readable.Bytes);
        buckets[denied.Bucket].GetProperty("error").GetString().Should().Contain("AccessDenied");
    }

    [Theory]
    [InlineData("no-such-folder/report.html")]
    [InlineData("")]
    public async Task Report_HtmlToAPathThatCannotBeWritten_FailsAsUsage_BeforeAnyStoreCall(string under)
    {
        // Nothing listens on the endpoint: a listing would end in a connection error naming the bucket, not exit 2.
        var env = new Dictionary<string, string?>
        {
            [EnvironmentVariables.CosEndpoint] = $"http://127.0.0.1:{LoopbackPort.Free()}",
            [EnvironmentVariables.CosAccessKeyId] = "k",
            [EnvironmentVariables.CosSecretAccessKey] = "s",
            ["AWS_REGION"] = "us-east-1",
        };
        var dir = Directory.CreateTempSubdirectory("mpa-html-").FullName;
        var path = Path.Combine(dir, under);

        var run = await MpaProcess.RunAsync(env, "report", "--bucket", "bkt1", "--html", path);

        run.ExitCode.Should().Be(2, run.Stderr);
        run.Stderr.Should().Contain("--html").And.Contain(path.TrimEnd('/')).And.Contain("cannot be written").And.NotContain("ListMultipartUploads");
        run.Stdout.Should().BeEmpty("no report is taken");
    }
}
