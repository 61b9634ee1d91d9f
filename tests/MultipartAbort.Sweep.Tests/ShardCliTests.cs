using System.Text.Json;
using MultipartAbort.Cli;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Model;
using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>mpa sweep as a shard: chosen by flag or, as an IBM Code Engine array job, by JOB_INDEX / JOB_ARRAY_SIZE.</summary>
[Collection("moto")]
public sealed class ShardCliTests(MotoServer moto)
{
    private Dictionary<string, string?> Env(SweepHarness h, params (string Name, string? Value)[] extra)
    {
        var env = moto.FunctionEnvironment(extra);
        env[EnvironmentVariables.CosEndpoint] = h.Proxy.Endpoint.ToString();
        env.TryAdd("JOB_INDEX", null);
        env.TryAdd("JOB_ARRAY_SIZE", null);
        return env;
    }

    [Fact]
    public async Task Sweep_InACodeEngineArrayJob_TakesItsShardFromTheEnvironment()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 50);
        var ids = await h.SeedAsync(SweepHarness.Keys("job/", 120));
        var mine = ids.Select((id, i) => (Key: $"job/{i:D5}", Id: id)).Where(u => new SweepShard(2, 3).Contains(u.Key, u.Id)).Select(u => u.Id).ToArray();

        var run = await MpaProcess.RunAsync(Env(h, ("JOB_INDEX", "2"), ("JOB_ARRAY_SIZE", "3")), "sweep", "--bucket", h.Bucket, "--older-than", "P1D", "--json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Stderr);
        var sweep = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("summary").GetProperty("sweep");
        sweep.GetProperty("shard").GetString().Should().Be("2/3");
        sweep.GetProperty("aborted").GetInt64().Should().Be(mine.Length);
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(mine, "the job's index selects exactly its shard's uploads");
        (await h.RemainingIdsAsync()).ShouldBeSameIdsAs(ids.Except(mine));
    }

    [Fact]
    public async Task Sweep_WithAJobIndexThatNamesNoShard_IsAConfigurationError()
    {
        await using var h = await SweepHarness.CreateAsync(moto);

        var run = await MpaProcess.RunAsync(Env(h, ("JOB_INDEX", "5"), ("JOB_ARRAY_SIZE", "3")), "sweep", "--bucket", h.Bucket, "--older-than", "P1D");

        run.ExitCode.Should().Be(ExitCodes.Configuration);
        run.Stderr.Should().Contain("JOB_INDEX=5 and JOB_ARRAY_SIZE=3 do not name a shard");
        h.Pager.ListQueries.Should().BeEmpty("nothing is listed before the shard is known");
    }

    [Fact]
    public async Task Sweep_WithShards_RunsThemAllInOneProcessAndAbortsEachUploadOnce()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 30);
        var ids = await h.SeedAsync(SweepHarness.Keys("all/", 100));

        var run = await MpaProcess.RunAsync(Env(h), "sweep", "--bucket", h.Bucket, "--older-than", "P1D", "--shards", "4", "--json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Stderr);
        var sweep = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("summary").GetProperty("sweep");
        sweep.GetProperty("aborted").GetInt64().Should().Be(100);
        sweep.GetProperty("shard").GetString().Should().Be("all 4");
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
    }

    [Fact]
    public async Task Sweep_WithShardAndShards_IsAUsageError()
    {
        await using var h = await SweepHarness.CreateAsync(moto);

        var run = await MpaProcess.RunAsync(Env(h), "sweep", "--bucket", h.Bucket, "--older-than", "P1D", "--shard", "0/2", "--shards", "2");

        run.ExitCode.Should().Be(ExitCodes.Usage);
        run.Stderr.Should().Contain("do not go together");
    }
}
