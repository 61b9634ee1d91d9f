using MultipartAbort.Testing;

namespace MultipartAbort.Conformance.Tests;

/// <summary>The native mpa (the published AOT binary, as a process) on each store: list, a dry run, a sweep, an abort.</summary>
[Collection(StoresCollection.Name)]
public sealed class MpaOnStoresTests(Stores stores)
{
    [Theory, OnMoto, OnRgw]
    public async Task Mpa_ListDryRunSweepAndAbort_EndClean(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var a = await seeder.UploadAsync(bucket, "tmp/a b", parts: 2);
        await seeder.UploadAsync(bucket, "tmp/a-b");
        var kept = await seeder.UploadAsync(bucket, "keep/c");
        var env = store.StoreEnvironment();
        env["AWS_REGION"] = "us-east-1";

        var list = await MpaProcess.RunAsync(env, "list", "--bucket", bucket);
        var dryRun = await MpaProcess.RunAsync(env, "sweep", "--bucket", bucket, "--prefix", "tmp/", "--older-than", "PT0S", "--allow-young", "--dry-run");
        var afterDryRun = await seeder.UploadIdsAsync(bucket);
        var sweep = await MpaProcess.RunAsync(env, "sweep", "--bucket", bucket, "--prefix", "tmp/", "--older-than", "PT0S", "--allow-young");
        var afterSweep = await seeder.UploadIdsAsync(bucket);
        var abort = await MpaProcess.RunAsync(env, "abort", "--bucket", bucket, "--key", "keep/c", "--upload-id", kept);

        list.ExitCode.Should().Be(0, list.Stderr);
        list.Stdout.Should().Contain("tmp/a b").And.Contain("tmp/a-b").And.Contain("keep/c").And.Contain(a);
        dryRun.ExitCode.Should().Be(0, dryRun.Stderr);
        afterDryRun.Should().HaveCount(3, "a dry run changes nothing");
        sweep.ExitCode.Should().Be(0, sweep.Stderr);
        afterSweep.Should().Equal(kept);
        abort.ExitCode.Should().Be(0, abort.Stderr);
        abort.Stdout.Should().StartWith("aborted: ");
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
        (await seeder.PartCountAsync(bucket, "tmp/a b", a)).Should().BeNull();
    }
}
