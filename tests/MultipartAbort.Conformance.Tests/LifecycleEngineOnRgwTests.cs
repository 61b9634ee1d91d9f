using System.Text.Json;
using MultipartAbort.Testing;

namespace MultipartAbort.Conformance.Tests;

/// <summary>
/// The coverage the report tells, proven on a real lifecycle engine: an own RGW (never the shared one, whose lifecycle
/// must stay put) where a lifecycle "day" lasts 10 s and the engine runs every 10 s. <c>mpa lifecycle apply</c> adds
/// the rule, <c>mpa report</c> calls the uploads covered, and RGW's engine then aborts every one of them.
/// </summary>
public sealed class LifecycleEngineOnRgwTests
{
    private const int DayInSeconds = 10;

    /// <summary>A generous bound on the wait: a day after initiation plus a few engine rounds on a busy machine.</summary>
    private static readonly TimeSpan MostToWait = TimeSpan.FromMinutes(4);

    [Theory, OnRgw]
    public async Task UploadsTheReportCallsCovered_AreAbortedByRgwsOwnLifecycleEngine(string name)
    {
        using var rgw = new RgwServer(lifecycleDayInSeconds: DayInSeconds);
        var store = rgw.Store;
        name.Should().Be("rgw");
        using var s3 = store.CreateS3Client();
        var seeder = new StoreSeeder(s3);
        var bucket = await seeder.BucketAsync($"lce{Guid.NewGuid():N}"[..16]);
        string[] keys = ["tmp/a", "tmp/deep/b", "top"];
        foreach (var key in keys)
            await seeder.UploadAsync(bucket, key, parts: 2);
        var env = store.StoreEnvironment();
        env["AWS_REGION"] = "us-east-1";

        var before = await MpaProcess.RunAsync(env, "report", "--bucket", bucket, "--uploads", "--json");
        var apply = await MpaProcess.RunAsync(env, "lifecycle", "apply", "--bucket", bucket, "--days", "1", "--yes");
        var covered = await MpaProcess.RunAsync(env, "report", "--bucket", bucket, "--uploads", "--json");

        static JsonElement[] Rows(MpaProcess.Run run) => run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToArray();
        before.ExitCode.Should().Be(0, before.Stderr);
        Rows(before).Select(r => r.GetProperty("coverage").GetString()).Should().Equal(["not-covered", "not-covered", "not-covered"], "no configuration yet");
        apply.ExitCode.Should().Be(0, apply.Stdout + apply.Stderr);
        apply.Stdout.Should().Contain("applied");
        covered.ExitCode.Should().Be(0, covered.Stderr);
        var rows = Rows(covered);
        rows.Select(r => r.GetProperty("key").GetString()).Should().BeEquivalentTo(keys);
        rows.Should().OnlyContain(r => r.GetProperty("coverage").GetString() == "covered" && r.GetProperty("coveredBy").GetString() == "abort-incomplete-multipart-uploads");

        // Bounded polling: the engine's own pace decides when; only a generous upper bound is asserted.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<string> left = await seeder.UploadIdsAsync(bucket);
        while (left.Count > 0 && waited.Elapsed < MostToWait)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            left = await seeder.UploadIdsAsync(bucket);
        }
        left.Should().BeEmpty($"RGW's lifecycle engine (a day = {DayInSeconds} s) should have aborted every covered upload within {MostToWait.TotalMinutes} minutes; {left.Count} of {keys.Length} remain");
        var after = await MpaProcess.RunAsync(env, "report", "--bucket", bucket, "--json");
        after.ExitCode.Should().Be(0, after.Stderr);
        JsonDocument.Parse(after.Stdout).RootElement.GetProperty("report").GetProperty("totals").GetProperty("uploads").GetInt64().Should().Be(0);
    }
}
