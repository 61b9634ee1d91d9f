using MultipartAbort.Adapters;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>Sweeps with the real SDK against moto, through the paging proxy so that listings come in several pages.</summary>
[Collection("moto")]
public sealed class SweepOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task Sweep_OfAnEmptyBucket_ListsOneEmptyPageAndSucceeds()
    {
        await using var h = await SweepHarness.CreateAsync(moto);

        var (summary, counts, notable) = await h.SweepAsync(h.Request());

        summary.Listed.Should().Be(0);
        summary.Matched.Should().Be(0);
        summary.Pages.Should().Be(1);
        summary.Complete.Should().BeTrue();
        counts.Total.Should().Be(0);
        notable.Should().BeEmpty();
    }

    [Fact]
    public async Task Sweep_OfOneUploadWithParts_AbortsVerifiesAndMeasuresTheBytes()
    {
        await using var h = await SweepHarness.CreateAsync(moto);
        var id = (await h.SeedAsync(["one/big.bin"], parts: 3, partSize: 100))[0];

        var (summary, _, notable) = await h.SweepAsync(h.Request());

        summary.Listed.Should().Be(1);
        summary.Aborted.Should().Be(1);
        summary.BytesReclaimed.Should().Be(300);
        notable.Should().BeEmpty();
        h.Proxy.AbortsByUploadId.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, int>(id, 1));
        (await h.Seeder.PartCountAsync(h.Bucket, "one/big.bin", id)).Should().BeNull("the upload is gone");
    }

    [Fact]
    public async Task Sweep_Of1001UploadsInPagesOf100_AbortsEachExactlyOnceAndLeavesNone()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 100);
        var ids = await h.SeedAsync(SweepHarness.Keys("p/", 1001));

        var (summary, counts, _) = await h.SweepAsync(h.Request(), (EnvironmentVariables.SweepConcurrency, "8"));

        summary.Listed.Should().Be(1001);
        summary.Matched.Should().Be(1001);
        summary.Aborted.Should().Be(1001);
        summary.Pages.Should().BeGreaterThanOrEqualTo(11, "1,001 uploads at 100 a page");
        counts.AllSucceeded.Should().BeTrue();
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(ids);
        h.Proxy.AbortsByUploadId.Values.Should().AllSatisfy(n => n.Should().Be(1));
        (await h.RemainingIdsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Sweep_WithPrefix_TouchesOnlyUploadsUnderIt()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 5);
        var inside = await h.SeedAsync(SweepHarness.Keys("tmp/", 12));
        var outside = await h.SeedAsync([.. SweepHarness.Keys("keep/", 6), "tmp", "tmq/x"]);

        var (summary, _, _) = await h.SweepAsync(h.Request(prefix: "tmp/"));

        summary.Aborted.Should().Be(12);
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(inside);
        (await h.RemainingIdsAsync()).ShouldBeSameIdsAs(outside);
    }

    [Fact]
    public async Task Sweep_WithAgeFilterAndMinUploadAge_LeavesRecentUploadsAlone()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 4);
        var now = DateTimeOffset.UtcNow;
        // moto says every upload began in 2010; the proxy gives the "fresh/" ones a recent time instead.
        h.Pager.InitiatedFor = key => key.StartsWith("fresh/", StringComparison.Ordinal) ? now.AddMinutes(-10)
            : key.StartsWith("day/", StringComparison.Ordinal) ? now.AddHours(-30) : null;
        var old = await h.SeedAsync(SweepHarness.Keys("old/", 5));
        var day = await h.SeedAsync(SweepHarness.Keys("day/", 3));
        var fresh = await h.SeedAsync(SweepHarness.Keys("fresh/", 4));

        var (first, _, _) = await h.SweepAsync(h.Request("PT1H"), (EnvironmentVariables.MinUploadAge, "P2D"));
        var (second, _, _) = await h.SweepAsync(h.Request("PT1H"));

        first.Listed.Should().Be(12);
        first.Matched.Should().Be(5, "MIN_UPLOAD_AGE (P2D) overrules a shorter olderThan");
        second.Matched.Should().Be(3, "now only the 30-hour-old uploads are older than PT1H and not yet gone");
        h.Proxy.AbortsByUploadId.Keys.ShouldBeSameIdsAs(old.Concat(day));
        (await h.RemainingIdsAsync()).ShouldBeSameIdsAs(fresh);
    }

    [Fact]
    public async Task Sweep_DryRun_ReportsWouldAbortAndChangesNothing()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 3);
        var ids = await h.SeedAsync(SweepHarness.Keys("d/", 7), parts: 2);

        var (summary, counts, _) = await h.SweepAsync(h.Request() with { DryRun = true });

        summary.DryRun.Should().BeTrue();
        summary.WouldAbort.Should().Be(7);
        counts[AbortOutcome.Aborted].Should().Be(0);
        h.Proxy.AbortsByUploadId.Should().BeEmpty("a dry run sends no AbortMultipartUpload");
        (await h.RemainingIdsAsync()).ShouldBeSameIdsAs(ids);
        for (var i = 0; i < ids.Length; i++)
            (await h.Seeder.PartCountAsync(h.Bucket, $"d/{i:D5}", ids[i])).Should().Be(2);
    }

    [Fact]
    public async Task Sweep_WithConcurrency4_NeverHasMoreThan4UploadCallsInFlight()
    {
        await using var h = await SweepHarness.CreateAsync(moto, pageSize: 10);
        await h.SeedAsync(SweepHarness.Keys("c/", 60));
        var env = moto.FunctionEnvironment((EnvironmentVariables.SweepConcurrency, "4"));
        env[EnvironmentVariables.CosEndpoint] = h.Proxy.Endpoint.ToString();
        var settings = Settings.Load(new DictionaryEnvironment(env));
        // Counted around the real SDK adapter: the proxy cannot tell when the client considers a call over. The
        // first calls are held until 4 are in flight at once, so the sweep shows its full concurrency whatever the
        // scheduling; a sweep that ran fewer at once would never open the gate, and the test fails on its guard.
        var store = new InFlightCounter(new S3ObjectStore(AwsClients.CreateS3(settings)), holdUntil: 4);
        var services = FunctionServices.Create(settings, store, QueuePair.None, TextWriter.Null);

        var (summary, _, _) = await services.Sweeps.RunAsync(h.Request(), services.Begin(null, CancellationToken.None));

        summary.Aborted.Should().Be(60);
        store.GateOpened.Should().BeTrue("4 upload calls were in flight at once");
        store.MaxInFlight.Should().Be(4, "SWEEP_CONCURRENCY=4 bounds the calls in flight");
    }

    /// <summary>
    /// Counts the abort and ListParts calls in flight at once (listing is not an upload's call). Until
    /// <c>holdUntil</c> calls are in flight together, each call waits before it goes to the store.
    /// </summary>
    private sealed class InFlightCounter(IObjectStore inner, int holdUntil) : IObjectStore
    {
        /// <summary>A guard against a hang when the gate never opens, not a timing check.</summary>
        private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _now, _max;

        public int MaxInFlight => Volatile.Read(ref _max);
        public bool GateOpened => _gate.Task.IsCompleted;

        public Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken ct) => Counted(() => inner.AbortAsync(upload, ct));

        public Task<PartsPage?> ListPartsAsync(UploadRef upload, int? marker, CancellationToken ct) => Counted(() => inner.ListPartsAsync(upload, marker, ct));

        public Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken ct) => inner.ListUploadsAsync(listing, ct);

        private async Task<T> Counted<T>(Func<Task<T>> call)
        {
            var now = Interlocked.Increment(ref _now);
            int seen;
            while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen) { }
            try
            {
                if (now >= holdUntil)
                    _gate.TrySetResult();
                try
                {
                    await _gate.Task.WaitAsync(Guard);
                }
                catch (TimeoutException)
                {
                    throw new TimeoutException($"never {holdUntil} upload calls in flight at once (at most {MaxInFlight})");
                }
                return await call();
            }
            finally
            {
                Interlocked.Decrement(ref _now);
            }
        }
    }
}
