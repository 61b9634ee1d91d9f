using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// Fleets with the native mpa on each store: sweeps over several buckets (repeated --bucket, a glob, --all-buckets)
/// within ALLOWED_BUCKETS, one of them refused by a proxy; and the lifecycle rule audited and merged.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class FleetOnStoresTests(Stores stores)
{
    private static Dictionary<string, string?> Environment(S3Store store, Uri through, string allowed)
    {
        var env = store.StoreEnvironment(through);
        env["AWS_REGION"] = "us-east-1";
        env[EnvironmentVariables.AllowedBuckets] = allowed;
        return env;
    }

    private static JsonElement Json(MpaProcess.Run run) => JsonDocument.Parse(run.Stdout).RootElement.Clone();

    private static Dictionary<string, JsonElement> Sweeps(JsonElement result) =>
        result.GetProperty("summary").GetProperty("sweeps").EnumerateArray().ToDictionary(s => s.GetProperty("bucket").GetString()!);

    [Theory, OnMoto, OnRgw]
    public async Task Sweep_OverRepeatedBucketsAGlobAndAllBuckets_TakesTheAllowedOnes_NamesTheRefusedOne_AndTouchesNothingElse(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var family = $"flt{Guid.NewGuid():N}"[..14];
        var inside = Enumerable.Range(1, 4).Select(i => $"{family}-in-{i}").ToArray();
        var denied = $"{family}-in-denied";
        var outside = $"{family}-out";
        foreach (var bucket in inside.Append(denied).Append(outside))
        {
            await seeder.BucketAsync(bucket);
            await seeder.UploadAsync(bucket, "tmp/a");
            await seeder.UploadAsync(bucket, "tmp/b", parts: 2);
        }
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new FaultInjection().FailBucket(denied, InjectedFault.AccessDenied));
        var env = Environment(store, proxy.Endpoint, $"{family}-in-*");
        string[] sweep = ["sweep", "--older-than", "PT0S", "--allow-young", "--min-idle", "PT0S", "--json"];

        var dryRun = await MpaProcess.RunAsync(env, [.. sweep, "--all-buckets", "--dry-run"]);
        var repeated = await MpaProcess.RunAsync(env, [.. sweep, "--bucket", inside[0], "--bucket", inside[1]]);
        var afterRepeated = await Task.WhenAll(inside.Select(b => seeder.UploadIdsAsync(b)));
        var glob = await MpaProcess.RunAsync(env, [.. sweep, "--bucket", $"{family}-in-*"]);

        dryRun.ExitCode.Should().Be(1, "the refused bucket failed: " + dryRun.Stderr);
        var dry = Sweeps(Json(dryRun));
        dry.Keys.Should().BeEquivalentTo(inside.Append(denied), "every listed bucket within ALLOWED_BUCKETS, and no other");
        foreach (var bucket in inside)
            dry[bucket].GetProperty("wouldAbort").GetInt64().Should().Be(2);
        dry[denied].GetProperty("failed").GetInt64().Should().Be(1);
        Json(dryRun).GetProperty("results").EnumerateArray().Should().Contain(r => r.GetProperty("bucket").GetString() == denied && r.GetProperty("message").GetString()!.Contains("AccessDenied"));

        repeated.ExitCode.Should().Be(0, repeated.Stderr);
        Sweeps(Json(repeated)).Keys.Should().BeEquivalentTo(inside[0], inside[1]);
        afterRepeated.Select(ids => ids.Count).Should().Equal(0, 0, 2, 2);

        glob.ExitCode.Should().Be(1, glob.Stderr);
        var globbed = Sweeps(Json(glob));
        globbed[inside[2]].GetProperty("aborted").GetInt64().Should().Be(2);
        globbed[inside[3]].GetProperty("aborted").GetInt64().Should().Be(2);
        globbed[inside[0]].GetProperty("aborted").GetInt64().Should().Be(0);
        globbed.Should().ContainKey(denied);
        foreach (var bucket in inside)
            (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
        (await seeder.UploadIdsAsync(denied)).Should().HaveCount(2, "the store refused it, so nothing was done there");
        (await seeder.UploadIdsAsync(outside)).Should().HaveCount(2, "outside ALLOWED_BUCKETS: never touched");
    }

    /// <summary>Records the PUT ?lifecycle requests (headers and body) on their way to the store.</summary>
    private sealed class LifecyclePuts : ProxyBehaviour
    {
        public ConcurrentQueue<(string Bucket, string? ContentMd5, byte[] Body)> Puts { get; } = new();

        public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
        {
            if (exchange.Method == "PUT" && exchange.Query.ContainsKey("lifecycle"))
                Puts.Enqueue((exchange.Bucket, exchange.Context.Request.Headers["Content-MD5"].FirstOrDefault(), await exchange.BodyAsync()));
            await next();
        }
    }

    private static async Task<string[]> RulesAsync(IAmazonS3 s3, string bucket)
    {
        try
        {
            var rules = (await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket })).Configuration?.Rules ?? [];
            return [.. rules.Select(MultipartAbort.Adapters.Lifecycle.BucketLifecycle.Describe).Order(StringComparer.Ordinal)];
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchLifecycleConfiguration")
        {
            return [];
        }
    }

    private static Task PutAsync(IAmazonS3 s3, string bucket, params LifecycleRule[] rules) =>
        s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = [.. rules] } });

    private static LifecycleRule Rule(string id, string prefix, Action<LifecycleRule> set)
    {
        var rule = new LifecycleRule { Id = id, Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = prefix } } };
        set(rule);
        return rule;
    }

    [Theory, OnMoto, OnRgw]
    public async Task LifecycleApply_AddsOrShortensOneRule_KeepsEveryOtherRule_SendsContentMd5_AndADryRunChangesNothing(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var family = $"lfc{Guid.NewGuid():N}"[..14];
        var (none, expiring, transition, abort30, tagged) = ($"{family}-none", $"{family}-expiring", $"{family}-transition", $"{family}-abort30", $"{family}-tagged");
        foreach (var bucket in new[] { none, expiring, transition, abort30, tagged })
            await seeder.BucketAsync(bucket);
        await PutAsync(s3, expiring, Rule("expire-logs", "logs/", r => r.Expiration = new LifecycleRuleExpiration { Days = 30 }));
        // RGW knows only the storage classes its placement defines (STANDARD by default); moto takes S3's.
        var storageClass = store.RealInitiatedTimes ? S3StorageClass.Standard : S3StorageClass.Glacier;
        await PutAsync(s3, transition, Rule("archive", "", r => r.Transitions = [new LifecycleTransition { Days = 90, StorageClass = storageClass }]));
        await PutAsync(s3, abort30, Rule("abort-30", "", r => r.AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 30 }));
        await PutAsync(
            s3,
            tagged,
            new LifecycleRule
            {
                Id = "by-tag",
                Status = LifecycleRuleStatus.Enabled,
                Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecycleTagPredicate { Tag = new Tag { Key = "tier", Value = "scratch" } } },
                Expiration = new LifecycleRuleExpiration { Days = 3 },
            }
        );
        var buckets = new[] { none, expiring, transition, abort30, tagged };
        var before = new Dictionary<string, string[]>();
        foreach (var bucket in buckets)
            before[bucket] = await RulesAsync(s3, bucket);
        var recorder = new LifecyclePuts();
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, recorder);
        var env = Environment(store, proxy.Endpoint, $"{family}-*");

        var checkBefore = await MpaProcess.RunAsync(env, "lifecycle", "check", "--bucket", $"{family}-*", "--days", "7", "--json");
        var dryRun = await MpaProcess.RunAsync(env, "lifecycle", "apply", "--bucket", $"{family}-*", "--days", "7");
        var afterDryRun = new Dictionary<string, string[]>();
        foreach (var bucket in buckets)
            afterDryRun[bucket] = await RulesAsync(s3, bucket);
        var apply = await MpaProcess.RunAsync(env, "lifecycle", "apply", "--bucket", $"{family}-*", "--days", "7", "--yes", "--json");
        var checkAfter = await MpaProcess.RunAsync(env, "lifecycle", "check", "--bucket", $"{family}-*", "--days", "7", "--json");
        var zeroDays = await MpaProcess.RunAsync(env, "lifecycle", "apply", "--bucket", none, "--days", "0");

        checkBefore.ExitCode.Should().Be(1, checkBefore.Stderr);
        Json(checkBefore).GetProperty("buckets").EnumerateArray().ToDictionary(b => b.GetProperty("bucket").GetString()!, b => b.GetProperty("status").GetString())
            .Should().BeEquivalentTo(new Dictionary<string, string?> { [none] = "missing", [expiring] = "missing", [transition] = "missing", [abort30] = "too-long", [tagged] = "missing" });
        dryRun.ExitCode.Should().Be(0, dryRun.Stderr);
        dryRun.Stdout.Should().Contain("dry run").And.Contain("+ id=abort-incomplete-multipart-uploads");
        afterDryRun.Should().BeEquivalentTo(before, "a dry run changes nothing");
        recorder.Puts.Where(p => p.Bucket.StartsWith(family, StringComparison.Ordinal)).Should().HaveCount(5, "one PUT per bucket, with --yes only");

        apply.ExitCode.Should().Be(0, apply.Stderr + apply.Stdout);
        foreach (var bucket in buckets)
        {
            // Every field of every rule, read back through the SDK; a whole-bucket scope reads back as an empty Filter
            // prefix on moto and as the legacy Prefix on RGW, so the new rule is matched by id and action.
            var after = await RulesAsync(s3, bucket);
            if (bucket == abort30)
            {
                after.Should().ContainSingle("the 30-day rule is shortened, nothing added").Which.Should().StartWith("id=abort-30 status=Enabled").And.EndWith("abort-incomplete-days=7");
                continue;
            }
            after.Should().HaveCount(before[bucket].Length + 1, bucket);
            before[bucket].Except(after).Should().BeEmpty("every rule there before is there, field for field: " + bucket);
            after.Except(before[bucket]).Should().ContainSingle().Which.Should().StartWith("id=abort-incomplete-multipart-uploads status=Enabled").And.EndWith("abort-incomplete-days=7");
        }
        foreach (var (bucket, md5, body) in recorder.Puts)
            md5.Should().Be(Convert.ToBase64String(MD5.HashData(body)), $"the PUT to {bucket} carries the Content-MD5 of its body (IBM COS refuses it without)");
        checkAfter.ExitCode.Should().Be(0, checkAfter.Stdout);
        zeroDays.ExitCode.Should().Be(2);
        zeroDays.Stderr.Should().Contain("--days must be 1 or more");
    }

    /// <summary>Changes a bucket's configuration right before the second read of it: another writer between mpa's read and its write.</summary>
    private sealed class ChangeBeforeSecondRead(string bucket, Func<Task> change) : ProxyBehaviour
    {
        private int _reads;

        public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
        {
            if (exchange.Method == "GET" && exchange.Bucket == bucket && exchange.Query.ContainsKey("lifecycle") && Interlocked.Increment(ref _reads) == 2)
                await change();
            await next();
        }
    }

    [Theory, OnMoto, OnRgw]
    public async Task LifecycleApply_WhenTheConfigurationChangesBetweenReadAndWrite_DoesNotOverwriteIt(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync($"lfx{Guid.NewGuid():N}"[..20]);
        await PutAsync(s3, bucket, Rule("expire-logs", "logs/", r => r.Expiration = new LifecycleRuleExpiration { Days = 30 }));
        var theirs = Rule("expire-tmp", "tmp/", r => r.Expiration = new LifecycleRuleExpiration { Days = 1 });
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new ChangeBeforeSecondRead(bucket, () => PutAsync(s3, bucket, theirs)));

        var apply = await MpaProcess.RunAsync(Environment(store, proxy.Endpoint, bucket), "lifecycle", "apply", "--bucket", bucket, "--days", "7", "--yes");

        apply.ExitCode.Should().Be(1);
        apply.Stdout.Should().Contain("conflict").And.Contain("changed since it was read; nothing was written");
        (await RulesAsync(s3, bucket)).Should().Equal(MultipartAbort.Adapters.Lifecycle.BucketLifecycle.Describe(theirs));
    }

    /// <summary>Records the ibm-service-instance-id header of each ListBuckets (GET /).</summary>
    private sealed class ListBucketsHeaders : ProxyBehaviour
    {
        public ConcurrentQueue<string?> Seen { get; } = new();

        public override Task HandleAsync(S3Exchange exchange, Func<Task> next)
        {
            if (exchange.Method == "GET" && exchange.Bucket.Length == 0)
                Seen.Enqueue(exchange.Context.Request.Headers["ibm-service-instance-id"].FirstOrDefault());
            return next();
        }
    }

    [Theory, OnMoto]
    public async Task List_OfAllBuckets_SendsTheServiceInstanceIdThatCosNeeds_AndNamesEachUploadsBucket(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var family = $"lst{Guid.NewGuid():N}"[..14];
        var a = await seeder.UploadAsync(await seeder.BucketAsync($"{family}-a"), "k1");
        var b = await seeder.UploadAsync(await seeder.BucketAsync($"{family}-b"), "k2");
        var headers = new ListBucketsHeaders();
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, headers);
        var env = Environment(store, proxy.Endpoint, $"{family}-*");
        env[EnvironmentVariables.CosServiceInstanceId] = "crn:v1:bluemix:public:cloud-object-storage:global:a/0123:instance-guid::";

        var list = await MpaProcess.RunAsync(env, "list", "--all-buckets", "--json");

        list.ExitCode.Should().Be(0, list.Stderr);
        Json(list).GetProperty("uploads").EnumerateArray().Select(u => (u.GetProperty("bucket").GetString(), u.GetProperty("uploadId").GetString()))
            .Should().Equal(($"{family}-a", a), ($"{family}-b", b));
        headers.Seen.Should().ContainSingle().Which.Should().Be("crn:v1:bluemix:public:cloud-object-storage:global:a/0123:instance-guid::");
    }

    [Theory, OnMoto]
    public async Task LifecycleApply_HonoursDryRunAndAllowedPrefixes_AsEveryCommandDoes(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var bucket = await new StoreSeeder(s3).BucketAsync($"lfp{Guid.NewGuid():N}"[..20]);
        var env = Environment(store, store.Endpoint, bucket);
        env[EnvironmentVariables.AllowedPrefixes] = "tmp/";

        var wholeBucket = await MpaProcess.RunAsync(env, "lifecycle", "apply", "--bucket", bucket, "--days", "7", "--yes");
        env[EnvironmentVariables.DryRun] = "true";
        var dryRunSet = await MpaProcess.RunAsync(env, "lifecycle", "apply", "--bucket", bucket, "--days", "7", "--prefix", "tmp/", "--yes");

        wholeBucket.ExitCode.Should().Be(1);
        wholeBucket.Stdout.Should().Contain("refused").And.Contain("ALLOWED_PREFIXES");
        dryRunSet.ExitCode.Should().Be(0, dryRunSet.Stderr);
        dryRunSet.Stdout.Should().Contain("DRY_RUN is set: nothing written");
        (await RulesAsync(s3, bucket)).Should().BeEmpty("neither run wrote anything");
    }
}
