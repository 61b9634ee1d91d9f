using System.Text.Json;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>Shards of one sweep on a store double: together they act on every upload once; apart, on none twice.</summary>
public sealed class ShardedSweepTests
{
    private static readonly DateTimeOffset Old = DateTimeOffset.UnixEpoch;

    private static ScriptedObjectStore Store(int uploads, int uploadsPerKey, int pageSize)
    {
        var store = new ScriptedObjectStore { UploadsPageSize = pageSize };
        for (var i = 0; i < uploads; i++)
            store.Add("bkt", $"k/{i / uploadsPerKey:D5}", $"u{i:D5}", parts: 1, initiated: Old);
        return store;
    }

    private static FunctionServices Services(IObjectStore store, RecordingQueue? retry = null) =>
        FunctionServices.Create(new Settings { ReabortBackoff = TimeSpan.Zero, SweepConcurrency = 8 }, store, new QueuePair(retry, null), TextWriter.Null);

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Shards_Of2000UploadsWithSharedKeys_AbortEachOnceAndSkipNone(int shards)
    {
        var store = new CountingStore(Store(2000, uploadsPerKey: 3, pageSize: 333));
        var services = Services(store);

        var runs = await Task.WhenAll(
            Enumerable.Range(0, shards).Select(i => services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)) { Shard = new SweepShard(i, shards) }, services.Begin(null, CancellationToken.None)))
        );

        // What each shard lists depends on how far the others got (their aborts leave the listing): not asserted.
        runs.Should().AllSatisfy(r => r.Summary.Complete.Should().BeTrue());
        runs.Sum(r => r.Summary.Matched).Should().Be(2000);
        runs.Sum(r => r.Summary.Aborted).Should().Be(2000);
        runs.Select(r => r.Summary.Shard).Should().OnlyHaveUniqueItems();
        store.Aborts.Keys.Should().HaveCount(2000, "no upload is skipped");
        store.Aborts.Values.Should().AllSatisfy(n => n.Should().Be(1, "no upload is aborted twice"));
    }

    [Fact]
    public async Task Shard_RunAgain_FindsItsUploadsGoneAndAbortsNothing()
    {
        var store = new CountingStore(Store(300, uploadsPerKey: 2, pageSize: 50));
        var services = Services(store);
        var sweep = new SweepRequest("bkt", TimeSpan.FromDays(1)) { Shard = new SweepShard(1, 4) };

        var first = await services.Sweeps.RunAsync(sweep, services.Begin(null, CancellationToken.None));
        var again = await services.Sweeps.RunAsync(sweep, services.Begin(null, CancellationToken.None));

        first.Summary.Aborted.Should().BeGreaterThan(0);
        again.Summary.Matched.Should().Be(0);
        store.Aborts.Values.Sum().Should().Be((int)first.Summary.Aborted);
    }

    [Fact]
    public async Task Shard_CutOffByTheDeadline_ContinuesAsTheSameShard()
    {
        var store = Store(500, uploadsPerKey: 1, pageSize: 20);
        var retry = new RecordingQueue();
        var clock = new TickingClock(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
        var services = FunctionServices.Create(new Settings { ReabortBackoff = TimeSpan.Zero, SweepConcurrency = 2 }, store, new QueuePair(retry, null), TextWriter.Null, time: clock);
        using var deadline = services.Begin(clock.Start.AddMinutes(60), CancellationToken.None);

        var (summary, _, _) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)) { Shard = new SweepShard(3, 8) }, deadline);

        summary.Continued.Should().BeTrue();
        var continuation = JsonDocument.Parse(retry.Sent.Single().Body).RootElement.GetProperty("sweep");
        continuation.GetProperty("shard").GetString().Should().Be("3/8");
        continuation.GetProperty("keyMarker").GetString().Should().Be(summary.NextKeyMarker);
    }

    [Fact]
    public async Task FanOut_SendsOneShardRequestPerShardAndSweepsNothing()
    {
        var store = new CountingStore(Store(10, uploadsPerKey: 1, pageSize: 1000));
        var retry = new RecordingQueue();

        var services = Services(store, retry);
        var (summary, counts, notable) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)) { FanOut = 4 }, services.Begin(null, CancellationToken.None));

        summary.ShardsQueued.Should().Be(4);
        notable.Should().BeEmpty();
        counts.AllSucceeded.Should().BeTrue();
        store.Aborts.Should().BeEmpty();
        store.Inner.ListUploadsCalls.Should().Be(0);
        retry.Sent.Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("sweep").GetProperty("shard").GetString()).Should().Equal("0/4", "1/4", "2/4", "3/4");
        retry.Sent.Should().AllSatisfy(m => m.Body.Should().NotContain("\"shards\""));
    }

    [Fact]
    public async Task FanOut_WithoutARetryQueue_FailsSayingWhy()
    {
        var services = Services(Store(1, 1, 10));
        var (summary, counts, notable) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)) { FanOut = 4 }, services.Begin(null, CancellationToken.None));

        summary.ShardsQueued.Should().Be(0);
        counts[AbortOutcome.Failed].Should().Be(1);
        notable.Single().Message.Should().Contain("RETRY_QUEUE_URL is not set");
    }

    private sealed class CountingStore(ScriptedObjectStore inner) : IObjectStore
    {
        public ScriptedObjectStore Inner => inner;
        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Aborts { get; } = new();

        public Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken ct)
        {
            Aborts.AddOrUpdate(upload.UploadId, 1, (_, n) => n + 1);
            return inner.AbortAsync(upload, ct);
        }

        public Task<PartsPage?> ListPartsAsync(UploadRef upload, int? marker, CancellationToken ct) => inner.ListPartsAsync(upload, marker, ct);

        public Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken ct) => inner.ListUploadsAsync(listing, ct);
    }
}
