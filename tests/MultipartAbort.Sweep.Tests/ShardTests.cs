using Amazon.SQS.Model;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>
/// Shards of one sweep on moto, through the paging proxy playing a listing bug, running at the same time: every
/// upload is aborted exactly once across them, none is missed, a shard cut off by its deadline continues as the
/// same shard, and a shard run again is harmless. Every shard lists the whole bucket, so the pager keeps moto's
/// listing and drops what the shards abort (<see cref="ListingPager.TracksAborts"/>) instead of asking moto for all
/// uploads again for each of the shards' pages. 1,250 uploads in pages of 250: five pages, as many page boundaries as
/// the 5,000 in pages of 1,000 these tests used before (the scale itself is bench/shards' to measure), with keys whose
/// three uploads straddle a boundary, which is where the listing bugs bite.
/// </summary>
[Collection("moto-shards")]
public sealed class ShardTests(PrivateMotoServer moto)
{
    /// <summary>Keys in overlapping ranges: distinct ones, and ones that three uploads share.</summary>
    private static IReadOnlyList<string> Keys(int distinct, int shared) =>
        [.. SweepHarness.Keys("a/", distinct), .. SweepHarness.Keys("a/", shared).Select(k => k + "x").SelectMany(k => new[] { k, k, k })];

    [Fact]
    public async Task FourShards_Over1250UploadsInFivePages_OneCutOffByItsDeadline_AbortEachUploadOnce()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 250);
        h.Pager.IgnoresUploadIdMarker = true;
        h.Pager.TracksAborts = true;
        var ids = await h.SeedAsync(Keys(500, 250));
        using var sqs = moto.CreateSqsClient();
        var queueUrl = (await sqs.CreateQueueAsync($"retry-{Guid.NewGuid():N}")).QueueUrl;
        var clock = new TickingClock(DateTimeOffset.UtcNow);
        var env = moto.FunctionEnvironment((EnvironmentVariables.RetryQueueUrl, queueUrl), (EnvironmentVariables.SweepConcurrency, "8"));
        env[EnvironmentVariables.CosEndpoint] = h.Proxy.Endpoint.ToString();
        var services = ServiceComposition.Create(new DictionaryEnvironment(env), TextWriter.Null, LogLevel.None, clock);
        SweepRequest Shard(int i) => h.Request() with { Shard = new SweepShard(i, 4) };
        // Shard 2 has about 300 clock reads before its deadline (less the 10 s reserve): it stops part-way and re-queues itself.
        using var deadline = services.Begin(clock.Start.AddMinutes(300), CancellationToken.None);

        var runs = await Task.WhenAll(
            services.Sweeps.RunAsync(Shard(0), services.Begin(null, CancellationToken.None)),
            services.Sweeps.RunAsync(Shard(1), services.Begin(null, CancellationToken.None)),
            services.Sweeps.RunAsync(Shard(2), deadline),
            services.Sweeps.RunAsync(Shard(3), services.Begin(null, CancellationToken.None))
        );
        var message = (await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 2 })).Messages.Single();
        var rest = await services.Requests.RunAsync(RequestParser.ParseText(message.Body), AbortOptions.Direct, services.Begin(null, CancellationToken.None));

        runs[2].Summary.Continued.Should().BeTrue("shard 2 was cut off by its deadline");
        message.Body.Should().Contain("\"shard\":\"2/4\"");
        rest.Sweeps.Single().Shard.Should().Be("2/4");
        rest.Sweeps.Single().Complete.Should().BeTrue();
        (runs.Sum(r => r.Summary.Aborted) + rest.Sweeps.Single().Aborted).Should().Be(1250);
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids, "no upload may be missed");
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1, "no upload may be aborted twice across shards"));
        (await h.RemainingIdsAsync()).Should().BeEmpty();

        var again = await services.Sweeps.RunAsync(Shard(0), services.Begin(null, CancellationToken.None));
        again.Summary.Matched.Should().Be(0, "a shard run again finds its uploads gone");
        h.Proxy.AbortsByUploadId.Values.Sum().Should().Be(1250);
    }

    [Fact]
    public async Task SixteenShards_Over1250UploadsInFivePages_AbortEachUploadOnce()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 250);
        h.Pager.OmitsNextUploadIdMarker = true;
        h.Pager.TracksAborts = true;
        var ids = await h.SeedAsync(Keys(875, 125));
        var services = h.Services(null, (EnvironmentVariables.SweepConcurrency, "4"));

        var runs = await Task.WhenAll(
            Enumerable.Range(0, 16).Select(i => services.Sweeps.RunAsync(h.Request() with { Shard = new SweepShard(i, 16) }, services.Begin(null, CancellationToken.None)))
        );

        runs.Should().AllSatisfy(r => r.Summary.Complete.Should().BeTrue());
        runs.Sum(r => r.Summary.Aborted).Should().Be(1250);
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids, "no upload may be missed");
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1, "no upload may be aborted twice across shards"));
        (await h.RemainingIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task FanOutRequest_LandsOneShardMessagePerShardInSqs()
    {
        await using var h = await SweepHarness.CreateAsync(moto);
        using var sqs = moto.CreateSqsClient();
        var queueUrl = (await sqs.CreateQueueAsync($"fan-{Guid.NewGuid():N}")).QueueUrl;
        var services = h.Services(null, (EnvironmentVariables.RetryQueueUrl, queueUrl));

        var response = await services.Events.HandleAsync(System.Text.Encoding.UTF8.GetBytes($$$"""{"sweep": {"bucket": "{{{h.Bucket}}}", "olderThan": "P1D", "shards": 4}}"""), services.Begin(null, CancellationToken.None));
        var bodies = new List<string>();
        for (var i = 0; i < 10 && bodies.Count < 4; i++)
            bodies.AddRange((await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 1 })).Messages.Select(m => m.Body));

        response.BodyText.Should().Contain("\"shardsQueued\":4");
        bodies.Select(b => ((SweepPayload)RequestParser.ParseText(b)).Sweep.Shard.ToString()).Should().BeEquivalentTo("0/4", "1/4", "2/4", "3/4");
    }
}
