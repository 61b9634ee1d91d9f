using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Report;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// <c>mpa report</c>'s lifecycle coverage on each store, against a ground truth worked out from the rules written:
/// enabled and disabled rules, nested prefixes, a tag-filtered rule without the action, an expiration-only rule, a
/// bucket without configuration, and one whose configuration the store refuses to give (a proxy answers AccessDenied).
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class LifecycleCoverageOnStoresTests(Stores stores)
{
    private static LifecycleRule Abort(string id, string prefix, int days, bool enabled = true) =>
        new()
        {
            Id = id,
            Status = enabled ? LifecycleRuleStatus.Enabled : LifecycleRuleStatus.Disabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = prefix } },
            AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = days },
        };

    private static readonly LifecycleRule[] Rules =
    [
        Abort("tmp-1", "tmp/", 1),
        Abort("tmp-deep-3", "tmp/deep/", 3),
        Abort("data-2", "data/", 2),
        Abort("logs-off", "logs/", 1, enabled: false),
        new()
        {
            Id = "tagged-expire",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecycleTagPredicate { Tag = new Tag { Key = "class", Value = "scratch" } } },
            Expiration = new LifecycleRuleExpiration { Days = 30 },
        },
        new()
        {
            Id = "old-expire",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "old/" } },
            Expiration = new LifecycleRuleExpiration { Days = 30 },
        },
    ];

    /// <summary>Key → (covering rule, its days): the ground truth of <see cref="Rules"/>; null where no rule covers the key.</summary>
    private static readonly Dictionary<string, (string Rule, int Days)?> Truth = new()
    {
        ["tmp/a"] = ("tmp-1", 1),
        ["tmp/deep/b"] = ("tmp-1", 1),
        ["data/c"] = ("data-2", 2),
        ["logs/d"] = null,
        ["old/e"] = null,
        ["top"] = null,
    };

    [Theory, OnMoto, OnRgw]
    public async Task Report_CoveragePerUploadAndInTotals_EqualsTheGroundTruthOfTheRules(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var family = $"cov{Guid.NewGuid():N}"[..14];
        var (ruled, bare, refused) = ($"{family}-ruled", $"{family}-bare", $"{family}-refused");
        foreach (var bucket in new[] { ruled, bare, refused })
        {
            await seeder.BucketAsync(bucket);
            foreach (var key in Truth.Keys)
                await seeder.UploadAsync(bucket, key, parts: 2);
        }
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = ruled, Configuration = new LifecycleConfiguration { Rules = [.. Rules] } });
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = refused, Configuration = new LifecycleConfiguration { Rules = [Abort("all", "", 1)] } });
        var lifecycleRead = new FaultRule(InjectedFault.AccessDenied, e => e.Bucket == refused && e.Method == "GET" && e.Query.ContainsKey("lifecycle"));
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new FaultInjection().Add(lifecycleRead));
        var env = store.StoreEnvironment(proxy.Endpoint);
        env["AWS_REGION"] = "us-east-1";

        var rows = await MpaProcess.RunAsync(env, "report", "--bucket", $"{family}-*", "--uploads", "--json");
        var totals = await MpaProcess.RunAsync(env, "report", "--bucket", $"{family}-*", "--depth", "1", "--json");
        var table = await MpaProcess.RunAsync(env, "report", "--bucket", ruled);
        var readsBefore = lifecycleRead.Injected;
        var check = await MpaProcess.RunAsync(env, "lifecycle", "check", "--bucket", ruled, "--bucket", bare, "--bucket", refused, "--uploads", "--json");
        var checkReads = lifecycleRead.Injected - readsBefore;
        var plainCheck = await MpaProcess.RunAsync(env, "lifecycle", "check", "--bucket", ruled, "--json");

        rows.ExitCode.Should().Be(0, rows.Stderr);
        var uploads = rows.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
        uploads.Should().HaveCount(3 * Truth.Count);
        foreach (var u in uploads)
        {
            var (bucket, key) = (u.GetProperty("bucket").GetString(), u.GetProperty("key").GetString()!);
            var coverage = u.GetProperty("coverage").GetString();
            u.TryGetProperty("coverageNote", out var note).Should().BeFalse($"ListParts agrees with the rules where it names any ({note})");
            if (bucket == refused)
            {
                coverage.Should().Be("unknown", "its configuration could not be read: never covered");
                continue;
            }
            var expected = bucket == ruled ? Truth[key] : null;
            if (expected is not { } rule)
            {
                coverage.Should().Be("not-covered", $"{bucket}/{key}");
                u.TryGetProperty("coveredBy", out _).Should().BeFalse();
                continue;
            }
            coverage.Should().Be("covered", $"{bucket}/{key}");
            u.GetProperty("coveredBy").GetString().Should().Be(rule.Rule, key);
            var initiated = DateTimeOffset.Parse(u.GetProperty("initiated").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            DateTimeOffset.Parse(u.GetProperty("reapedAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
                .Should().Be(LifecycleCoverage.ReapTime(initiated, rule.Days), key);
        }
        rows.Stderr.Should().Contain(refused).And.Contain("AccessDenied").And.Contain("coverage unknown");

        totals.ExitCode.Should().Be(0, totals.Stderr);
        var buckets = JsonDocument.Parse(totals.Stdout).RootElement.GetProperty("report").GetProperty("buckets").EnumerateArray().ToDictionary(b => b.GetProperty("bucket").GetString()!);
        static (long, long) Figures(JsonElement cell, string group) => (cell.GetProperty(group).GetProperty("uploads").GetInt64(), cell.GetProperty(group).GetProperty("bytes").GetInt64());
        var covered = Truth.Count(t => t.Value is not null);
        Figures(buckets[ruled], "covered").Should().Be((covered, covered * 32L));
        Figures(buckets[ruled], "notCovered").Should().Be((Truth.Count - covered, (Truth.Count - covered) * 32L));
        var prefixes = buckets[ruled].GetProperty("prefixes").EnumerateArray().ToDictionary(p => p.GetProperty("prefix").GetString()!);
        Figures(prefixes["tmp/"], "covered").Should().Be((2L, 64L));
        Figures(prefixes["logs/"], "notCovered").Should().Be((1L, 32L), "its rule is disabled");
        Figures(buckets[bare], "notCovered").Should().Be((Truth.Count, Truth.Count * 32L), "no configuration");
        Figures(buckets[refused], "coverageUnknown").Should().Be((Truth.Count, Truth.Count * 32L));
        Figures(buckets[refused], "covered").Should().Be((0L, 0L), "a configuration that could not be read never counts as covering");
        buckets[refused].GetProperty("lifecycleError").GetString().Should().Contain("AccessDenied");

        check.ExitCode.Should().Be(1, "no bucket has a whole-bucket rule: " + check.Stderr);
        var checkedBuckets = JsonDocument.Parse(check.Stdout).RootElement.GetProperty("buckets").EnumerateArray().ToDictionary(b => b.GetProperty("bucket").GetString()!);
        checkedBuckets[ruled].GetProperty("status").GetString().Should().Be("partial");
        Figures(checkedBuckets[ruled].GetProperty("uploads"), "covered").Should().Be((covered, covered * 32L));
        Figures(checkedBuckets[ruled].GetProperty("uploads"), "notCovered").Should().Be((Truth.Count - covered, (Truth.Count - covered) * 32L));
        Figures(checkedBuckets[bare].GetProperty("uploads"), "notCovered").Should().Be((Truth.Count, Truth.Count * 32L));
        Figures(checkedBuckets[refused].GetProperty("uploads"), "coverageUnknown").Should().Be((Truth.Count, Truth.Count * 32L));
        checkedBuckets[refused].GetProperty("status").GetString().Should().Be("error");
        checkReads.Should().Be(1, "check --uploads reads each bucket's rules once: the report's read serves the audit too");
        plainCheck.Stdout.Should().NotContain("\"uploads\"", "without --uploads, check stays one GET a bucket");

        table.ExitCode.Should().Be(0, table.Stderr);
        // A narrow terminal wraps cells: only whole words are looked for.
        table.Stdout.Should().Contain("No rule").And.Contain("AbortIncompleteMultipartUpload");
    }
    [Theory, OnMoto, OnRgw]
    public async Task Report_OnAStoreThatReapsByItself_CallsWhatNoRuleCoversTheStores(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = $"reap{Guid.NewGuid():N}"[..14];
        await seeder.BucketAsync(bucket);
        await seeder.UploadAsync(bucket, "tmp/a", parts: 2);
        await seeder.UploadAsync(bucket, "top", parts: 2);
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = [Abort("tmp-1", "tmp/", 1)] } });
        // The store behind answers as MinIO names itself: MinIO expires stale uploads whatever the rules.
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new ServerNamed("MinIO"));
        var env = store.StoreEnvironment(proxy.Endpoint);
        env["AWS_REGION"] = "us-east-1";

        var rows = await MpaProcess.RunAsync(env, "report", "--bucket", bucket, "--uploads", "--json");
        var totals = await MpaProcess.RunAsync(env, "report", "--bucket", bucket, "--json");

        rows.ExitCode.Should().Be(0, rows.Stderr);
        var uploads = rows.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToDictionary(u => u.GetProperty("key").GetString()!);
        uploads["tmp/a"].GetProperty("coverage").GetString().Should().Be("covered", "a rule that covers an upload still names it");
        uploads["tmp/a"].GetProperty("coveredBy").GetString().Should().Be("tmp-1");
        var top = uploads["top"];
        top.GetProperty("coverage").GetString().Should().Be("store", "no rule covers it, and the store reaps it anyway: never 'not covered'");
        top.GetProperty("coveredBy").GetString().Should().Contain("stale_uploads_expiry");
        var initiated = DateTimeOffset.Parse(top.GetProperty("initiated").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        DateTimeOffset.Parse(top.GetProperty("reapedAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture).Should().Be(initiated.AddHours(24));

        totals.ExitCode.Should().Be(0, totals.Stderr);
        var cell = JsonDocument.Parse(totals.Stdout).RootElement.GetProperty("report").GetProperty("buckets")[0];
        cell.GetProperty("reapedByStore").GetProperty("uploads").GetInt64().Should().Be(1);
        cell.GetProperty("reapedByStore").GetProperty("bytes").GetInt64().Should().Be(32);
        cell.GetProperty("notCovered").GetProperty("uploads").GetInt64().Should().Be(0);
        cell.GetProperty("covered").GetProperty("uploads").GetInt64().Should().Be(1);
    }
}
