using System.Text.Json;
using Amazon.S3.Model;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// Stale by activity (MIN_IDLE), with the native mpa on each store: the part times are the store's own (moto's are
/// whole seconds, RGW's real), so the test waits real seconds, a few at a time.
/// </summary>
[Collection(StoresCollection.Name)]
public sealed class MinIdleOnStoresTests(Stores stores)
{
    private const string MinIdle = "PT5S";
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    private static Dictionary<string, string?> Environment(S3Store store, string? minIdle)
    {
        var env = store.StoreEnvironment();
        env["AWS_REGION"] = "us-east-1";
        if (minIdle is null)
            env.Remove(EnvironmentVariables.MinIdle);
        else
            env[EnvironmentVariables.MinIdle] = minIdle;
        return env;
    }

    private static JsonElement Sweep(MpaProcess.Run run)
    {
        run.ExitCode.Should().Be(0, run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [Theory, OnMoto, OnRgw]
    public async Task Sweep_LeavesAnUploadStillReceivingPartsAlone_CountsItActive_AndTakesItOnceIdle(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var dead = await seeder.UploadAsync(bucket, "dead.bin", parts: 2, partSize: 100);
        var slow = (await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "slow.bin" })).UploadId;
        await seeder.PartAsync(bucket, "slow.bin", slow, 2, size: 10);
        await Task.Delay(Idle + TimeSpan.FromSeconds(1.5));
        // Part 1 lands last: the newest part is not the last one ListParts gives.
        await seeder.PartAsync(bucket, "slow.bin", slow, 1, size: 10);
        var lastPart = DateTimeOffset.UtcNow;

        var first = Sweep(await MpaProcess.RunAsync(Environment(store, MinIdle), "sweep", "--bucket", bucket, "--older-than", "PT0S", "--allow-young", "--show-active", "--json"));
        var byDefault = Sweep(await MpaProcess.RunAsync(Environment(store, null), "sweep", "--bucket", bucket, "--older-than", "PT0S", "--allow-young", "--json"));
        var afterFirst = await seeder.UploadIdsAsync(bucket);
        var wait = lastPart + Idle + TimeSpan.FromSeconds(1.5) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        var second = Sweep(await MpaProcess.RunAsync(Environment(store, null), "sweep", "--bucket", bucket, "--older-than", "PT0S", "--allow-young", "--min-idle", MinIdle, "--json"));

        var summary = first.GetProperty("summary").GetProperty("sweep");
        summary.GetProperty("aborted").GetInt64().Should().Be(1);
        summary.GetProperty("active").GetInt64().Should().Be(1);
        summary.GetProperty("minIdle").GetString().Should().Be(MinIdle);
        summary.GetProperty("bytesReclaimed").GetInt64().Should().Be(200, "the probe that checks activity measures the bytes");
        var active = first.GetProperty("results").EnumerateArray().Should().ContainSingle().Which;
        active.GetProperty("outcome").GetString().Should().Be("active");
        active.GetProperty("key").GetString().Should().Be("slow.bin");
        afterFirst.Should().Equal(slow);
        byDefault.GetProperty("summary").GetProperty("sweep").GetProperty("active").GetInt64().Should().Be(1, "the default MIN_IDLE is an hour");
        byDefault.GetProperty("summary").GetProperty("sweep").GetProperty("minIdle").GetString().Should().Be("PT1H");
        byDefault.GetProperty("results").GetArrayLength().Should().Be(0, "an active upload is counted, not listed, unless --show-active");
        second.GetProperty("summary").GetProperty("sweep").GetProperty("aborted").GetInt64().Should().Be(1, "idle for MIN_IDLE now");
        second.GetProperty("summary").GetProperty("sweep").GetProperty("active").GetInt64().Should().Be(0);
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
        (await seeder.PartCountAsync(bucket, "dead.bin", dead)).Should().BeNull();
    }

    [Theory, OnMoto, OnRgw]
    public async Task MinIdleZero_SweepsAnUploadThatJustReceivedAPart_AndANamedAbortIsNeverHeldBack(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        await seeder.UploadAsync(bucket, "swept.bin");
        var named = await seeder.UploadAsync(bucket, "named.bin");

        var abort = await MpaProcess.RunAsync(Environment(store, null), "abort", "--bucket", bucket, "--key", "named.bin", "--upload-id", named);
        var sweep = Sweep(await MpaProcess.RunAsync(Environment(store, null), "sweep", "--bucket", bucket, "--older-than", "PT0S", "--allow-young", "--min-idle", "PT0S", "--json"));

        abort.ExitCode.Should().Be(0, abort.Stderr);
        abort.Stdout.Should().StartWith("aborted: ", "an abort that names the upload is the caller's decision, under the default MIN_IDLE too");
        sweep.GetProperty("summary").GetProperty("sweep").GetProperty("aborted").GetInt64().Should().Be(1);
        sweep.GetProperty("summary").GetProperty("sweep").GetProperty("active").GetInt64().Should().Be(0);
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }

    [Theory, OnMoto]
    public async Task ShardedSweep_CountsTheActiveUploadsOfEveryShard(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        for (var i = 0; i < 8; i++)
            await seeder.UploadAsync(bucket, $"live/{i}");

        var sweep = Sweep(await MpaProcess.RunAsync(Environment(store, "PT1H"), "sweep", "--bucket", bucket, "--older-than", "PT0S", "--allow-young", "--shards", "4", "--json"));

        sweep.GetProperty("summary").GetProperty("sweep").GetProperty("active").GetInt64().Should().Be(8, "the merged summary adds up what each shard left alone");
        (await seeder.UploadIdsAsync(bucket)).Should().HaveCount(8);
    }

    [Theory, OnMoto, OnRgw]
    public async Task MaxAge_AnUploadReceivingAPartEverySecond_IsActiveUnderMinIdle_AndAbortedByTheSameSweepWithMaxAgeBelowItsAge(string name)
    {
        var store = stores[name];
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync();
        var live = (await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "live.bin" })).UploadId;
        var begun = DateTimeOffset.UtcNow;
        using var stop = new CancellationTokenSource();
        var pump = Task.Run(async () =>
        {
            // A part every second until the upload is gone (its parts are then refused) or the test ends.
            for (var part = 1; !stop.IsCancellationRequested; part++)
            {
                try
                {
                    await seeder.PartAsync(bucket, "live.bin", live, part, size: 10);
                    await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
                }
                catch (Exception) when (stop.IsCancellationRequested || part > 1)
                {
                    return;
                }
            }
        });
        // Older than the cap (PT3S) by the clock of either store (RGW's real time; moto dates every upload 2010).
        var wait = begun + TimeSpan.FromSeconds(4) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        string[] sweep = ["sweep", "--bucket", bucket, "--older-than", "PT0S", "--allow-young", "--show-active", "--json"];

        var idleOnly = Sweep(await MpaProcess.RunAsync(Environment(store, "PT1H"), sweep));
        var capped = Sweep(await MpaProcess.RunAsync(Environment(store, "PT1H"), [.. sweep, "--max-age", "PT3S"]));
        await stop.CancelAsync();
        await pump;

        var first = idleOnly.GetProperty("summary").GetProperty("sweep");
        first.GetProperty("active").GetInt64().Should().Be(1, "a part landed within the last second");
        first.GetProperty("aborted").GetInt64().Should().Be(0);
        first.TryGetProperty("maxUploadAge", out _).Should().BeFalse("no cap is set");
        idleOnly.GetProperty("results").EnumerateArray().Single().GetProperty("outcome").GetString().Should().Be("active");
        var second = capped.GetProperty("summary").GetProperty("sweep");
        second.GetProperty("active").GetInt64().Should().Be(0);
        second.GetProperty("aborted").GetInt64().Should().Be(1, "it began more than --max-age ago, so its activity no longer protects it");
        second.GetProperty("maxUploadAge").GetString().Should().Be("PT3S");
        second.GetProperty("overMaxAge").GetInt64().Should().Be(1);
        (await seeder.UploadIdsAsync(bucket)).Should().BeEmpty();
    }
}
