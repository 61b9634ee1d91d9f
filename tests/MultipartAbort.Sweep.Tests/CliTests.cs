using System.Text.Json;
using MultipartAbort.Cli;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>mpa as a process against moto: output on stdout, progress on stderr, and exit codes.</summary>
[Collection("moto")]
public sealed class CliTests(MotoServer moto)
{
    private Dictionary<string, string?> Env(SweepHarness h, params (string Name, string? Value)[] extra)
    {
        var env = moto.FunctionEnvironment(extra);
        env[EnvironmentVariables.CosEndpoint] = h.Proxy.Endpoint.ToString();
        return env;
    }

    [Fact]
    public async Task Sweep_Of2500UploadsWithJson_AbortsAllOverThreePagesAndPrintsTheResult()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 1000);
        var ids = await h.SeedAsync(SweepHarness.Keys("big/", 2500));

        var run = await MpaProcess.RunAsync(Env(h), "sweep", "--bucket", h.Bucket, "--older-than", "P1D", "--concurrency", "16", "--json");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Stderr);
        using var result = JsonDocument.Parse(run.Stdout);
        var sweep = result.RootElement.GetProperty("summary").GetProperty("sweep");
        sweep.GetProperty("listed").GetInt64().Should().Be(2500);
        sweep.GetProperty("aborted").GetInt64().Should().Be(2500);
        sweep.GetProperty("pages").GetInt64().Should().BeGreaterThanOrEqualTo(3);
        result.RootElement.GetProperty("summary").GetProperty("aborted").GetInt64().Should().Be(2500);
        foreach (var line in run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            JsonDocument.Parse(line).RootElement.ValueKind.Should().Be(JsonValueKind.Object, "with --json, stderr carries JSON lines (progress, logs)");
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
        (await h.RemainingIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Sweep_DryRunNotOnATerminal_PrintsPlainProgressAndASummaryTable()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 2);
        var ids = await h.SeedAsync(SweepHarness.Keys("dry/", 5));

        var run = await MpaProcess.RunAsync(Env(h), "sweep", "-b", h.Bucket, "--older-than", "PT1H", "--dry-run");

        run.ExitCode.Should().Be(ExitCodes.Success, run.Stderr);
        run.Stderr.Should().StartWith("mpa: sweeping s3://" + h.Bucket);
        run.Stdout.Should().Contain("(dry run)").And.MatchRegex(@"would abort\s*\S\s+5\b").And.MatchRegex(@"uploads listed\s*\S\s+5\b").And.Contain("elapsed");
        run.Stdout.Should().NotContain("\u001b[", "no colour codes when stdout is not a terminal");
        (await h.RemainingIdsAsync()).ShouldBeSameIdsAs(ids);
    }

    [Fact]
    public async Task List_AsJsonAndAsLines_ShowsEveryUploadAndFiltersByAge()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 2);
        var ids = await h.SeedAsync(["l/a", "l/b", "l/c"]);

        var json = await MpaProcess.RunAsync(Env(h), "list", "--bucket", h.Bucket, "--json");
        var lines = await MpaProcess.RunAsync(Env(h), "list", "--bucket", h.Bucket, "--prefix", "l/");
        var none = await MpaProcess.RunAsync(Env(h), "list", "--bucket", h.Bucket, "--older-than", "P36500D", "--json");

        json.ExitCode.Should().Be(ExitCodes.Success, json.Stderr);
        using var doc = JsonDocument.Parse(json.Stdout);
        doc.RootElement.GetProperty("uploads").EnumerateArray().Select(u => u.GetProperty("uploadId").GetString()).Should().Equal(ids);
        doc.RootElement.GetProperty("count").GetInt32().Should().Be(3);
        lines.ExitCode.Should().Be(ExitCodes.Success);
        lines.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[..2]).Should()
            .BeEquivalentTo(new[] { new[] { "l/a", ids[0] }, ["l/b", ids[1]], ["l/c", ids[2]] }, o => o.WithStrictOrdering());
        lines.Stderr.Should().Contain("3 uploads");
        using var empty = JsonDocument.Parse(none.Stdout);
        empty.RootElement.GetProperty("count").GetInt32().Should().Be(0, "moto's uploads date from 2010, less than 100 years ago");
        empty.RootElement.GetProperty("listed").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task Abort_OfALiveThenAGoneUpload_ReportsAbortedThenAlreadyGone()
    {
        await using var h = await SweepHarness.CreateAsync(moto);
        var id = (await h.SeedAsync(["a/one"], parts: 1))[0];

        var first = await MpaProcess.RunAsync(Env(h), "abort", "--bucket", h.Bucket, "--key", "a/one", "--upload-id", id);
        var again = await MpaProcess.RunAsync(Env(h), "abort", "--bucket", h.Bucket, "--key", "a/one", "--upload-id", id, "--json");

        first.ExitCode.Should().Be(ExitCodes.Success, first.Stderr);
        first.Stdout.Should().StartWith($"aborted: s3://{h.Bucket}/a/one (upload {id})");
        again.ExitCode.Should().Be(ExitCodes.Success);
        using var doc = JsonDocument.Parse(again.Stdout);
        doc.RootElement.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("already-gone");
    }

    [Theory]
    [InlineData("sweep", "--bucket", "bkt", "--older-than", "P1M")]
    [InlineData("sweep", "--older-than", "P1D")]
    [InlineData("sweep", "--bucket", "bkt", "--older-than", "P1D", "--concurrency", "0")]
    [InlineData("sweep", "--bucket", "bkt", "--older-than", "P1D", "--upload-id-marker", "u")]
    [InlineData("list", "--bucket", "b")]
    [InlineData("abort", "--bucket", "bkt", "--key", "k")]
    [InlineData("frobnicate")]
    public async Task Mpa_WithABadCommandLine_ExitsWithTheUsageCode(params string[] args)
    {
        var run = await MpaProcess.RunAsync(moto.FunctionEnvironment(), args);

        run.ExitCode.Should().Be(ExitCodes.Usage, run.Stdout + run.Stderr);
        run.Stderr.Should().StartWith("mpa: ");
    }

    [Fact]
    public async Task Mpa_WithABadEnvironment_ExitsWithTheConfigurationCode()
    {
        var run = await MpaProcess.RunAsync(moto.FunctionEnvironment((EnvironmentVariables.CosEndpoint, "not a url")), "list", "--bucket", "bkt");

        run.ExitCode.Should().Be(ExitCodes.Configuration);
        run.Stderr.Should().Contain(EnvironmentVariables.CosEndpoint);
    }

    [Fact]
    public async Task List_OfAMissingBucket_ExitsWithTheStoreErrorCode()
    {
        var run = await MpaProcess.RunAsync(moto.FunctionEnvironment(), "list", "--bucket", MotoServer.UniqueBucket("missing"));

        run.ExitCode.Should().Be(ExitCodes.StoreError);
        run.Stderr.Should().Contain("NoSuchBucket");
    }

    [Fact]
    public async Task Sweep_OfABucketNotAllowed_IsRejectedAndExitsWithTheFailureCode()
    {
        var run = await MpaProcess.RunAsync(moto.FunctionEnvironment((EnvironmentVariables.AllowedBuckets, "only-this-one")), "sweep", "--bucket", "some-other", "--older-than", "P1D", "--json");

        run.ExitCode.Should().Be(ExitCodes.SomeFailed);
        using var doc = JsonDocument.Parse(run.Stdout);
        doc.RootElement.GetProperty("results")[0].GetProperty("outcome").GetString().Should().Be("rejected");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("sweep", "--help")]
    public async Task Help_ShowsExamplesAndExitCodes(params string[] args)
    {
        var run = await MpaProcess.RunAsync(moto.FunctionEnvironment(), args);

        run.ExitCode.Should().Be(ExitCodes.Success);
        run.Stdout.Should().Contain("Examples:").And.Contain("mpa sweep --bucket").And.Contain("Exit codes: 0");
    }
}
