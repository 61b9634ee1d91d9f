using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using MultipartAbort.Testing;
using MultipartAbort.Testing.Proxy;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// The native <c>mpa clear</c> on each store: young, active uploads (MIN_IDLE P1D, SWEEP_MIN_AGE default) are aborted with
/// --yes and left alone without it; the final ListMultipartUploads is empty and DeleteBucket then succeeds.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class ClearOnStoresTests(Stores stores)
{
    /// <summary>The store's environment with the activity floor on: a clear must pass it, a sweep would not.</summary>
    private static Dictionary<string, string?> Environment(S3Store store, Uri? through = null)
    {
        var env = store.StoreEnvironment(through);
        env["AWS_REGION"] = "us-east-1";
        env["MIN_IDLE"] = "P1D";
        return env;
    }

    private static async Task SeedAsync(StoreSeeder seeder, string bucket, int count, string prefix = "u/")
    {
        // Many at once: the store is the bottleneck, not the test.
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => await seeder.UploadAsync(bucket, $"{prefix}{i:D5}"));
    }

    [Theory, OnMoto, OnRgw]
    public async Task Clear_WithoutYesChangesNothing_WithYesEmptiesTheListing_AndDeleteBucketSucceeds(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await SeedAsync(seeder, bucket, 5);
        var env = Environment(store);

        var dry = await MpaProcess.RunAsync(env, "clear", "--bucket", bucket);
        var afterDry = await seeder.UploadIdsAsync(bucket);
        var clear = await MpaProcess.RunAsync(env, "clear", "--bucket", bucket, "--yes", "--json");
        var afterClear = await seeder.UploadIdsAsync(bucket);

        dry.ExitCode.Should().Be(0, dry.Stderr);
        dry.Stdout.Should().Contain("would abort 5 of 5").And.Contain("nothing changed").And.Contain("--yes");
        afterDry.Should().HaveCount(5, "without --yes nothing changes");
        clear.ExitCode.Should().Be(0, clear.Stderr + clear.Stdout);
        using var json = JsonDocument.Parse(clear.Stdout);
        var root = json.RootElement;
        root.GetProperty("cleared").GetBoolean().Should().BeTrue();
        root.GetProperty("deletable").GetBoolean().Should().BeTrue();
        root.GetProperty("sweep").GetProperty("aborted").GetInt64().Should().Be(5);
        root.GetProperty("remaining").GetProperty("uploads").GetInt64().Should().Be(0);
        root.GetProperty("remaining").GetProperty("objects").GetBoolean().Should().BeFalse();
        root.GetProperty("remaining").GetProperty("versions").GetBoolean().Should().BeFalse();
        afterClear.Should().BeEmpty();
        await s3.DeleteBucketAsync(bucket);
    }

    [Theory, OnRgw]
    public async Task Clear_OfTwelveHundredYoungUploadsWithParts_LeavesNone_AndTheBucketDeletes(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await SeedAsync(seeder, bucket, 1_200);
        var env = Environment(store);

        var dry = await MpaProcess.RunAsync(env, "clear", "--bucket", bucket);
        var afterDry = await seeder.UploadIdsAsync(bucket);
        var clear = await MpaProcess.RunAsync(env, "clear", "--bucket", bucket, "--yes");

        dry.ExitCode.Should().Be(0, dry.Stderr);
        afterDry.Should().HaveCount(1_200, "without --yes nothing changes");
        clear.ExitCode.Should().Be(0, clear.Stderr + clear.Stdout);
        clear.Stdout.Should().Contain("aborted 1,200").And.Contain("ListMultipartUploads: empty").And.Contain("DeleteBucket can succeed");
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
        await s3.DeleteBucketAsync(bucket);
    }

    [Theory, OnMoto]
    public async Task Clear_ReportsWhatStillBlocksDeleteBucket_AndNeverDeletesObjects(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await SeedAsync(seeder, bucket, 2);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "kept.txt", ContentBody = "data" });

        var clear = await MpaProcess.RunAsync(Environment(store), "clear", "--bucket", bucket, "--yes");

        clear.ExitCode.Should().Be(0, clear.Stderr + clear.Stdout);
        clear.Stdout.Should().Contain("ListMultipartUploads: empty").And.Contain("objects: some remain").And.Contain("versions: some remain").And.NotContain("DeleteBucket can succeed");
        (await s3.GetObjectMetadataAsync(bucket, "kept.txt")).ContentLength.Should().Be(4, "objects are never deleted");
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    // On RGW: moto dates every upload in 2010, so nothing is ever younger than MIN_UPLOAD_AGE there.
    [Theory, OnRgw]
    public async Task Clear_LeavesWhatMinUploadAgeProtects_AndSaysSo(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await SeedAsync(seeder, bucket, 3);
        var env = Environment(store);
        env["MIN_UPLOAD_AGE"] = "P1D";

        var clear = await MpaProcess.RunAsync(env, "clear", "--bucket", bucket, "--yes", "--json");

        clear.ExitCode.Should().Be(1, "the bucket was not cleared: " + clear.Stdout);
        using var json = JsonDocument.Parse(clear.Stdout);
        json.RootElement.GetProperty("cleared").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("remaining").GetProperty("uploads").GetInt64().Should().Be(3);
        json.RootElement.GetProperty("remaining").GetProperty("youngerThanMinUploadAge").GetInt64().Should().Be(3);
        (await seeder.UploadIdsAsync(bucket)).Should().HaveCount(3);
    }

    [Theory, OnMoto]
    public async Task Clear_WithAPrefix_TakesOnlyItAndSaysItCannotEmptyTheBucket(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await SeedAsync(seeder, bucket, 2, "tmp/");
        var kept = await seeder.UploadAsync(bucket, "keep/a");

        var clear = await MpaProcess.RunAsync(Environment(store), "clear", "--bucket", bucket, "--prefix", "tmp/", "--yes");

        clear.ExitCode.Should().Be(0, clear.Stderr + clear.Stdout);
        clear.Stdout.Should().Contain("aborted 2").And.Contain("cannot empty the bucket").And.NotContain("DeleteBucket can succeed");
        (await seeder.UploadIdsAsync(bucket)).Should().Equal(kept);
    }

    [Theory, OnMoto]
    public async Task Clear_UnderDryRunOrOutsideAllowedBuckets_ChangesNothing(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await SeedAsync(seeder, bucket, 2);
        var dryEnv = Environment(store);
        dryEnv["DRY_RUN"] = "true";
        var allowedEnv = Environment(store);
        allowedEnv["ALLOWED_BUCKETS"] = "other-*";

        var dry = await MpaProcess.RunAsync(dryEnv, "clear", "--bucket", bucket, "--yes");
        var refused = await MpaProcess.RunAsync(allowedEnv, "clear", "--bucket", bucket, "--yes");

        dry.ExitCode.Should().Be(0, dry.Stderr);
        dry.Stdout.Should().Contain("would abort 2").And.Contain("DRY_RUN is set");
        refused.ExitCode.Should().Be(1);
        refused.Stdout.Should().Contain("refused").And.Contain("ALLOWED_BUCKETS");
        (await seeder.UploadIdsAsync(bucket)).Should().HaveCount(2);
    }

    [Theory, OnMoto]
    public async Task Clear_WhenVersionsCannotBeListed_SaysUnknown_NotAnError(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await SeedAsync(seeder, bucket, 1);
        await using var proxy = await LoopbackS3Proxy.StartAsync(store.Endpoint, new FaultInjection().Add(new FaultRule(InjectedFault.AccessDenied, e => e.Query.ContainsKey("versions"))));

        var clear = await MpaProcess.RunAsync(Environment(store, proxy.Endpoint), "clear", "--bucket", bucket, "--yes", "--json");

        clear.ExitCode.Should().Be(0, clear.Stderr + clear.Stdout);
        using var json = JsonDocument.Parse(clear.Stdout);
        json.RootElement.GetProperty("cleared").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("deletable").GetBoolean().Should().BeFalse("whether versions remain is unknown");
        json.RootElement.GetProperty("remaining").GetProperty("versions").GetString().Should().Be("unknown");
        json.RootElement.GetProperty("remaining").GetProperty("versionsWhy").GetString().Should().Contain("s3:ListBucketVersions");
    }

    [Theory]
    [InlineData("logs-*", "is a glob")]
    [InlineData("--all-buckets", "never --all-buckets")]
    public async Task Clear_RefusesMoreThanOneBucket_AsAUsageError(string what, string message)
    {
        var env = Environment(stores["moto"]);
        var run = what.StartsWith("--", StringComparison.Ordinal) ? await MpaProcess.RunAsync(env, "clear", "--bucket", "b1", what) : await MpaProcess.RunAsync(env, "clear", "--bucket", what);

        run.ExitCode.Should().Be(2);
        run.Stderr.Should().Contain(message);
    }
}
