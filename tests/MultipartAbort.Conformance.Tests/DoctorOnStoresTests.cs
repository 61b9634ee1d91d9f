using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// <c>mpa doctor</c> (the published binary) on each store: what it finds, what it names when one permission is missing
/// (a proxy refuses one operation at a time with AccessDenied), and that its canary leaves nothing behind.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class DoctorOnStoresTests(Stores stores)
{
    /// <summary>Each operation a sweep, a report or lifecycle needs, and the IAM action doctor must name when it is refused.</summary>
    private static readonly (string Operation, string Action)[] Refusable =
    [
        ("ListMultipartUploads", "s3:ListBucketMultipartUploads"),
        ("ListParts", "s3:ListMultipartUploadParts"),
        ("AbortMultipartUpload", "s3:AbortMultipartUpload"),
        ("GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
    ];

    [Theory, OnMoto, OnRgw]
    public async Task Doctor_OnTheStore_PassesAndNamesTheStore(string name)
    {
        var store = stores[name];
        var (bucket, _) = await SeedAsync(store);

        var run = await MpaProcess.RunAsync(Env(store), "doctor", "--bucket", bucket, "--json");

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        var report = Json(run);
        report.GetProperty("store").GetProperty("id").GetString().Should().Be(name == "rgw" ? "ceph-rgw" : "moto");
        Math.Abs(report.GetProperty("clockSkewSeconds").GetDouble()).Should().BeLessThan(900);
        Status(report, bucket, "uploads").Detail.Should().Be("1 incomplete upload(s)");
        Status(report, bucket, "prefix-listing").Status.Should().Be("ok");
        Status(report, bucket, "list-parts").Detail.Should().Contain(name == "rgw" ? "NoSuchKey" : "NoSuchUpload");
        Status(report, bucket, "lifecycle-write").Status.Should().Be("untried");
        var coverage = Status(report, bucket, "lifecycle-coverage");
        coverage.Status.Should().Be("warn", "no rule covers the bucket's one upload");
        coverage.Detail.Should().StartWith("0 upload(s) (").And.Contain("covered by a rule, 1 (");
    }

    [Theory, OnMoto, OnRgw]
    public async Task Doctor_BehindAProxyRefusingOneOperation_NamesItsActionAndExits1(string name)
    {
        var store = stores[name];
        var (bucket, _) = await SeedAsync(store);
        foreach (var (operation, action) in Refusable)
        {
            var refusals = new FaultInjection().Refuse(operation);
            await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, refusals);

            var run = await MpaProcess.RunAsync(Env(store, proxy.Endpoint), "doctor", "--bucket", bucket, "--json");

            run.ExitCode.Should().Be(1, $"{operation} was refused: {run.Stdout}{run.Stderr}");
            refusals.Injected.Should().BeGreaterThan(0, $"{operation} was asked for");
            var failed = Checks(Json(run)).Where(c => c.Status == "fail").ToList();
            failed.Should().NotBeEmpty();
            failed.Select(c => c.Action).Distinct().Should().Equal([action], $"only {operation} was refused");
            failed.Should().AllSatisfy(c => c.Detail.Should().Contain($"refused (AccessDenied): the credentials lack {action}"));
        }
    }

    [Theory, OnMoto, OnRgw]
    public async Task Doctor_ADisabledWholeBucketRule_AbortsNothing_SoTheRuleCheckWarns(string name)
    {
        var store = stores[name];
        var (bucket, _) = await SeedAsync(store);
        using var s3 = store.CreateS3Client();
        var disabled = new Amazon.S3.Model.LifecycleRule
        {
            Id = "off",
            Status = Amazon.S3.LifecycleRuleStatus.Disabled,
            Filter = new Amazon.S3.Model.LifecycleFilter { LifecycleFilterPredicate = new Amazon.S3.Model.LifecyclePrefixPredicate { Prefix = "" } },
            AbortIncompleteMultipartUpload = new Amazon.S3.Model.LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 1 },
        };
        await s3.PutLifecycleConfigurationAsync(new Amazon.S3.Model.PutLifecycleConfigurationRequest { BucketName = bucket, Configuration = new() { Rules = [disabled] } });

        var run = await MpaProcess.RunAsync(Env(store), "doctor", "--bucket", bucket, "--json");

        var rule = Status(Json(run), bucket, "lifecycle-rule");
        rule.Status.Should().Be("warn", "a disabled rule aborts nothing: " + rule.Detail);
        rule.Detail.Should().Be("no rule aborts incomplete uploads (mpa lifecycle apply adds one)");
    }

    [Theory, OnMoto, OnRgw]
    public async Task Doctor_Canary_SaysWhatTheStoreAnswersAndLeavesNothingBehind(string name)
    {
        var store = stores[name];
        var (bucket, seeded) = await SeedAsync(store);
        using var s3 = store.CreateS3Client();

        var run = await MpaProcess.RunAsync(Env(store), "doctor", "--bucket", bucket, "--canary", "canary/", "--json");

        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        var report = Json(run);
        Status(report, bucket, "canary-listing").Status.Should().Be("ok");
        Status(report, bucket, "canary-after-abort").Detail.Should().Be($"ListParts after the abort answered 404 {(name == "rgw" ? "NoSuchKey" : "NoSuchUpload")}");
        Status(report, bucket, "canary-second-abort").Detail.Should().Be("not needed");
        Status(report, bucket, "canary-left").Status.Should().Be("ok");
        (await new StoreSeeder(s3).UploadIdsAsync(bucket)).Should().Equal([seeded], "the canary is gone and the bucket's own upload untouched");
    }

    [Theory, OnMoto, OnRgw]
    public async Task Doctor_CanaryWhoseAbortIsRefused_NamesTheUploadItLeftAndHowToRemoveIt(string name)
    {
        var store = stores[name];
        var (bucket, seeded) = await SeedAsync(store);
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new FaultInjection().Refuse("AbortMultipartUpload"));

        var run = await MpaProcess.RunAsync(Env(store, proxy.Endpoint), "doctor", "--bucket", bucket, "--canary", "canary/", "--json");

        run.ExitCode.Should().Be(1, run.Stdout + run.Stderr);
        var left = (await seeder.UploadIdsAsync(bucket, "canary/")).Should().ContainSingle().Subject;
        var abort = Status(Json(run), bucket, "canary-abort");
        abort.Status.Should().Be("fail");
        abort.Detail.Should().Contain($"upload id '{left}'").And.Contain($"mpa abort --bucket {bucket} --key 'canary/mpa-doctor-canary-").And.Contain($"--upload-id '{left}'");
        // The command it names removes it.
        var key = abort.Detail.Split("--key '")[1].Split('\'')[0];
        var remove = await MpaProcess.RunAsync(Env(store), "abort", "--bucket", bucket, "--key", key, "--upload-id", left);
        remove.ExitCode.Should().Be(0, remove.Stdout + remove.Stderr);
        (await seeder.UploadIdsAsync(bucket)).Should().Equal([seeded]);
    }

    [Theory, OnMoto]
    public async Task Doctor_CanaryOutsideAllowedPrefixesOrUnderDryRun_CreatesNothing(string name)
    {
        var store = stores[name];
        var (bucket, seeded) = await SeedAsync(store);
        using var s3 = store.CreateS3Client();
        var outside = Env(store);
        outside[EnvironmentVariables.AllowedPrefixes] = "tmp/";
        var dryRun = Env(store);
        dryRun[EnvironmentVariables.DryRun] = "true";

        var refused = await MpaProcess.RunAsync(outside, "doctor", "--bucket", bucket, "--canary", "canary/", "--json");
        var wouldDo = await MpaProcess.RunAsync(dryRun, "doctor", "--bucket", bucket, "--canary", "canary/", "--json");

        refused.ExitCode.Should().Be(1, refused.Stdout + refused.Stderr);
        Status(Json(refused), bucket, "canary").Detail.Should().Contain("is not inside any of ALLOWED_PREFIXES");
        wouldDo.ExitCode.Should().Be(0, wouldDo.Stdout + wouldDo.Stderr);
        var skipped = Status(Json(wouldDo), bucket, "canary");
        skipped.Status.Should().Be("skipped");
        skipped.Detail.Should().StartWith("DRY_RUN is set: would create one multipart upload at 'canary/mpa-doctor-canary-");
        (await new StoreSeeder(s3).UploadIdsAsync(bucket)).Should().Equal([seeded]);
    }

    [Fact]
    public async Task Doctor_StoreThatCannotBeReached_Exits4()
    {
        var store = stores["moto"];
        var env = Env(store, new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/"));

        var run = await MpaProcess.RunAsync(env, "doctor", "--bucket", "any-bucket", "--json");

        run.ExitCode.Should().Be(4, run.Stdout + run.Stderr);
        var report = Json(run);
        report.GetProperty("unreachable").GetBoolean().Should().BeTrue();
        Status(report, null, "store").Detail.Should().StartWith("cannot reach the store: ");
    }

    private static async Task<(string Bucket, string UploadId)> SeedAsync(S3Store store)
    {
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        return (bucket, await seeder.UploadAsync(bucket, "tmp/seeded.bin"));
    }

    private static Dictionary<string, string?> Env(S3Store store, Uri? through = null)
    {
        var env = store.StoreEnvironment(through);
        env["AWS_REGION"] = "us-east-1";
        return env;
    }

    private static JsonElement Json(MpaProcess.Run run) => JsonDocument.Parse(run.Stdout).RootElement;

    private sealed record Check(string? Bucket, string Name, string Status, string Detail, string? Action);

    private static IEnumerable<Check> Checks(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().Select(c => new Check(
            c.TryGetProperty("bucket", out var b) ? b.GetString() : null,
            c.GetProperty("check").GetString()!,
            c.GetProperty("status").GetString()!,
            c.GetProperty("detail").GetString()!,
            c.TryGetProperty("action", out var a) ? a.GetString() : null
        ));

    private static Check Status(JsonElement report, string? bucket, string check) =>
        Checks(report).Should().ContainSingle(c => c.Bucket == bucket && c.Name == check, $"one '{check}' check in {report}").Subject;
}
