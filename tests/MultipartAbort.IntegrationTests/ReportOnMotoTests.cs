using System.Text.Json;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Report;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.IntegrationTests;

/// <summary>
/// The report against a ground truth worked out from what was seeded: thousands of uploads over two buckets (two listing
/// pages on one), part lists read three parts a page (so four-part uploads take two pages), and a third bucket the
/// credentials may not read (a proxy answers AccessDenied), which is named with its error while the others are reported.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class ReportOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task Report_OfThousandsOfUploads_EqualsTheGroundTruth_PerBucketPrefixAgeAndActivity_AndNamesTheBucketItMayNotRead()
    {
        using var s3 = moto.CreateS3Client();
        var big = new ReportPlan(MotoServer.UniqueBucket("rpt"), 1_500);
        var small = new ReportPlan(MotoServer.UniqueBucket("rpt"), 400);
        var denied = new ReportPlan(MotoServer.UniqueBucket("rpt"), 3);
        await Task.WhenAll(big.SeedAsync(s3), small.SeedAsync(s3), denied.SeedAsync(s3));
        await using var proxy = await LoopbackS3Proxy.StartAsync(moto.Endpoint, new FaultInjection().FailBucket(denied.Bucket, InjectedFault.AccessDenied));
        var settings = Settings.Load(new DictionaryEnvironment(moto.FunctionEnvironment((EnvironmentVariables.CosEndpoint, proxy.Endpoint.ToString()))));
        var store = new S3ObjectStore(AwsClients.CreateS3(settings), partsPageSize: 3);
        var runner = new ReportRunner(store, store, new FleetScan(new PrefixListing(store, settings.PrefixListing, new StructuredLogger(TextWriter.Null, "t", LogLevel.Error)), new BucketSelector(store, settings.Access), StoreCallLimiter.For(null)), settings, new StructuredLogger(TextWriter.Null, "t", LogLevel.Error), TimeProvider.System);

        using var invocation = new Invocation(TimeProvider.System, TimeSpan.Zero, null, QueuePair.None, CancellationToken.None);
        var report = await runner.RunAsync(new ReportRequest { Buckets = [big.Bucket, small.Bucket, denied.Bucket], Depth = 2, MinIdle = TimeSpan.FromHours(1) }, invocation);
        using var json = JsonDocument.Parse(ReportJson.Text(report));

        var buckets = json.RootElement.GetProperty("report").GetProperty("buckets").EnumerateArray().ToDictionary(b => b.GetProperty("bucket").GetString()!);
        foreach (var plan in new[] { big, small })
        {
            var b = buckets[plan.Bucket];
            b.GetProperty("complete").GetBoolean().Should().BeTrue();
            b.TryGetProperty("error", out _).Should().BeFalse();
            (b.GetProperty("uploads").GetInt64(), b.GetProperty("parts").GetInt64(), b.GetProperty("bytes").GetInt64()).Should().Be(((long)plan.Uploads.Count, plan.Parts, plan.Bytes));
            b.GetProperty("prefixes").EnumerateArray().ToDictionary(p => p.GetProperty("prefix").GetString()!, p => (p.GetProperty("uploads").GetInt64(), p.GetProperty("parts").GetInt64(), p.GetProperty("bytes").GetInt64()))
                .Should().BeEquivalentTo(plan.ByPrefix(2));
            // moto dates every upload 2010-11-10, and its parts now: every upload is over 30 days old, and those with a
            // part are active (a part landed within MIN_IDLE) while those without are judged by that old start: idle.
            var ages = b.GetProperty("ages");
            ages.GetProperty(">30d").GetProperty("uploads").GetInt64().Should().Be(plan.Uploads.Count);
            foreach (var young in new[] { "<1d", "1-7d", "7-30d" })
                ages.GetProperty(young).GetProperty("uploads").GetInt64().Should().Be(0);
            var withParts = plan.Uploads.Where(u => u.Parts > 0).ToArray();
            (b.GetProperty("active").GetProperty("uploads").GetInt64(), b.GetProperty("active").GetProperty("bytes").GetInt64()).Should().Be(((long)withParts.Length, withParts.Sum(u => u.Bytes)));
            b.GetProperty("idle").GetProperty("uploads").GetInt64().Should().Be(plan.Uploads.Count - withParts.Length);
            b.GetProperty("largest").EnumerateArray().Select(u => u.GetProperty("bytes").GetInt64())
                .Should().Equal(plan.Uploads.Select(u => u.Bytes).OrderDescending().Take(10));
            b.GetProperty("estimatedMonthlyCost").GetDouble().Should().BeApproximately(plan.Bytes / (double)(1L << 30) * 0.023, 0.0001);
        }
        var refused = buckets[denied.Bucket];
        refused.GetProperty("complete").GetBoolean().Should().BeFalse();
        refused.GetProperty("error").GetString().Should().Contain("AccessDenied");
        refused.GetProperty("uploads").GetInt64().Should().Be(0);
        json.RootElement.GetProperty("report").GetProperty("complete").GetBoolean().Should().BeFalse("one bucket could not be read");
        json.RootElement.GetProperty("report").GetProperty("totals").GetProperty("uploads").GetInt64().Should().Be(big.Uploads.Count + small.Uploads.Count);
        (await new StoreSeeder(s3).UploadIdsAsync(big.Bucket)).Should().HaveCount(big.Uploads.Count, "a report only lists");
    }

    [Fact]
    public async Task ReportEvent_WithReportHtmlUrl_WritesThePageAsAPrivateHtmlObject_WithTheReportsTotals()
    {
        using var s3 = moto.CreateS3Client();
        var plan = new ReportPlan(MotoServer.UniqueBucket("rpt"), 30);
        var pages = MotoServer.UniqueBucket("pages");
        await Task.WhenAll(plan.SeedAsync(s3), s3.PutBucketAsync(pages));
        var log = new StringWriter();
        var services = ServiceComposition.Create(
            new DictionaryEnvironment(moto.FunctionEnvironment((EnvironmentVariables.ReportHtmlUrl, $"s3://{pages}/reports/latest.html"))), log);

        var answer = await services.Events.HandleAsync(System.Text.Encoding.UTF8.GetBytes("{\"report\":{\"bucket\":\"" + plan.Bucket + "\",\"depth\":1}}"), services.Begin(null, CancellationToken.None));

        answer.Result!.Report!.Totals.Total.Uploads.Should().Be(plan.Uploads.Count, log.ToString());
        using var page = await s3.GetObjectAsync(pages, "reports/latest.html");
        page.Headers.ContentType.Should().StartWith("text/html");
        var html = await new StreamReader(page.ResponseStream).ReadToEndAsync();
        html.Should().Contain($"id=\"total-uploads\" data-value=\"{plan.Uploads.Count}\"").And.Contain($"id=\"total-bytes\" data-value=\"{plan.Bytes}\"");
        var acl = await s3.GetObjectAclAsync(new Amazon.S3.Model.GetObjectAclRequest { BucketName = pages, Key = "reports/latest.html" });
        acl.Grants.Should().NotContain(g => g.Grantee.URI != null, "the page is private: no grant to AllUsers or AuthenticatedUsers");
        log.ToString().Should().Contain($"report page written to cos://{pages}/reports/latest.html");
    }
}
