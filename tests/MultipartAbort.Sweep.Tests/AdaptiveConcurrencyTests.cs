using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MultipartAbort.Sweep.Tests;

/// <summary>
/// A default (adaptive) sweep behind a store that answers SlowDown above K requests in flight. Deterministic: the
/// clock is frozen (every request takes no time, so latency never argues), the limit grows whenever a window ends
/// clean whatever the thread pool did, and the store judges the client's allowance, not a race between calls.
/// </summary>
public sealed class AdaptiveConcurrencyTests
{
    private const int Uploads = 1500;

    private static (FunctionServices Services, ThrottlingObjectStore Store) Arrange(int k)
    {
        var store = new ThrottlingObjectStore { MaxInFlight = k };
        for (var i = 0; i < Uploads; i++)
            store.Add("bkt", $"stale/{i:D5}", "u");
        var limiter = StoreCallLimiter.Adaptive(new AdaptiveLimit { UtilizationToGrow = 0 });
        store.ClientLimit = () => limiter.Limit;
        var settings = new Settings { ThrottleBackoff = TimeSpan.Zero, ReabortBackoff = TimeSpan.Zero };
        var services = FunctionServices.Create(settings, store, QueuePair.None, TextWriter.Null, null, new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero)), retryDrain: null, concurrency: limiter);
        return (services, store);
    }

    [Fact]
    public async Task Sweep_BehindAStoreThatThrottlesAboveK_SettlesAtOrBelowKWithNoFailures()
    {
        var (services, store) = Arrange(k: 8);

        var (summary, counts, notable) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)), services.Begin(null, CancellationToken.None));

        notable.Should().BeEmpty();
        counts[AbortOutcome.Failed].Should().Be(0);
        summary.Aborted.Should().Be(Uploads);
        store.Refused.Should().BePositive("the limit must have gone past K to find it");
        services.Concurrency.Drops.Should().Be(store.Refused, "every SlowDown reached the limiter");
        summary.AdaptiveConcurrency.Should().BeTrue();
        summary.Concurrency.Should().BeInRange(1, 8);
    }

    [Fact]
    public async Task Sweep_WhenTheStoreTakesMoreHalfWay_GrowsPastTheOldLimit()
    {
        var (services, store) = Arrange(k: 8);
        var raise = new RaiseAt(Uploads / 3, () => store.MaxInFlight = 40);

        var (summary, counts, _) = await services.Sweeps.RunAsync(new SweepRequest("bkt", TimeSpan.FromDays(1)), services.Begin(null, CancellationToken.None, progress: raise));

        counts[AbortOutcome.Failed].Should().Be(0);
        summary.Aborted.Should().Be(Uploads);
        summary.Concurrency.Should().BeInRange(9, 40, "the limit grew again once the store took more, and stayed at or below the new K");
    }

    private sealed class RaiseAt(long done, Action raise) : IProgress<SweepProgress>
    {
        private int _raised;

        public void Report(SweepProgress value)
        {
            if (value.Done >= done && Interlocked.Exchange(ref _raised, 1) == 0)
                raise();
        }
    }
}
