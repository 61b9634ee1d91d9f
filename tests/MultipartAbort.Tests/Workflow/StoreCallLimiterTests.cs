using MultipartAbort.Core.Concurrency;


namespace MultipartAbort.Tests.Workflow;

public sealed class StoreCallLimiterTests
{
    [Fact]
    public async Task Acquire_BeyondAFixedLimit_WaitsForARelease()
    {
        var limiter = StoreCallLimiter.Fixed(2);
        await limiter.AcquireAsync(CancellationToken.None);
        await limiter.AcquireAsync(CancellationToken.None);

        var third = limiter.AcquireAsync(CancellationToken.None);
        third.IsCompleted.Should().BeFalse();

        limiter.Release();
        await third;
        limiter.InFlight.Should().Be(2);
    }

    [Fact]
    public async Task Acquire_WhenTheAdaptiveLimitGrows_LetsWaitersIn()
    {
        var limiter = StoreCallLimiter.Adaptive(new AdaptiveLimit());
        await limiter.AcquireAsync(CancellationToken.None);
        var second = limiter.AcquireAsync(CancellationToken.None);
        second.IsCompleted.Should().BeFalse("new AdaptiveLimit() starts at 1 (the process default is 8)");

        for (var i = 0; i < 4; i++)
            limiter.OnSuccess(TimeSpan.FromMilliseconds(10));

        await second;
        limiter.Limit.Should().Be(2);
    }

    /// <summary>One wait that is granted; the weak reference is to what the caller awaited.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference GrantOneWait(StoreCallLimiter limiter, CancellationToken ct)
    {
        var wait = limiter.AcquireAsync(ct);
        limiter.Release();
        wait.GetAwaiter().GetResult();
        return new WeakReference(wait);
    }

    [Fact]
    public async Task Acquire_AGrantedWait_LeavesNothingHeldByTheToken()
    {
        // Issue 22: each wait registered on the token and never unregistered, so a sweep's token kept every granted
        // waiter alive until the sweep ended (one per upload that waited for a lease).
        using var sweep = new CancellationTokenSource();
        var limiter = StoreCallLimiter.Fixed(1);
        await limiter.AcquireAsync(sweep.Token);

        var granted = GrantOneWait(limiter, sweep.Token);
        // Task.WaitAsync drops its registration on the token in its own continuation, which may run on another thread
        // a moment after the caller's wait has completed: collect until then. The old code kept the registration for
        // the token's whole life, so there the wait never became collectable however long this looks.
        for (var tries = 0; tries < 100 && granted.IsAlive; tries++)
        {
            await Task.Delay(20);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        granted.IsAlive.Should().BeFalse("nothing but the token could still hold the finished wait");
        limiter.InFlight.Should().Be(1);
        GC.KeepAlive(sweep);
    }

    [Fact]
    public async Task Acquire_WhenCancelled_ThrowsAndTakesNoLease()
    {
        var limiter = StoreCallLimiter.Fixed(1);
        await limiter.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(cts.Token);
        cts.Cancel();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        limiter.Release();
        limiter.InFlight.Should().Be(0);
        await limiter.AcquireAsync(CancellationToken.None);
        limiter.InFlight.Should().Be(1);
    }

    [Fact]
    public void For_NoPinnedNumber_IsAdaptiveUpToTheCeiling()
    {
        var adaptive = StoreCallLimiter.For(null);
        var pinned = StoreCallLimiter.For(32);

        (adaptive.IsAdaptive, adaptive.MaxConcurrency).Should().Be((true, AdaptiveLimit.DefaultCeiling));
        (pinned.IsAdaptive, pinned.Limit, pinned.Settled).Should().Be((false, 32, 32));
    }

    /// <summary>
    /// One round of uploads as a sweep makes them: each takes a lease and makes three requests (probe, abort, verify),
    /// one at a time, all answered after <paramref name="ms"/>; then every lease ends.
    /// </summary>
    private static async Task SweepRoundAsync(StoreCallLimiter limiter, double ms)
    {
        var leases = limiter.Limit;
        for (var i = 0; i < leases; i++)
            await limiter.AcquireAsync(CancellationToken.None);
        for (var request = 0; request < 3; request++)
            for (var i = 0; i < leases; i++)
                limiter.OnSuccess(TimeSpan.FromMilliseconds(ms));
        for (var i = 0; i < leases; i++)
            limiter.Release();
    }

    /// <summary>A sweep's first upload: its lease ends before the first round of leases does.</summary>
    private static async Task FirstUploadAsync(StoreCallLimiter limiter)
    {
        await limiter.AcquireAsync(CancellationToken.None);
        limiter.OnSuccess(TimeSpan.FromMilliseconds(20));
        limiter.Release();
    }

    [Fact]
    public async Task Adaptive_WhenEachLeaseMakesThreeRequests_JudgesOneWindowPerRoundOfLeases()
    {
        var limiter = StoreCallLimiter.Adaptive(new AdaptiveLimit(initial: 16));
        await FirstUploadAsync(limiter);

        await SweepRoundAsync(limiter, 20);
        limiter.Limit.Should().Be(32, "one clean round of leases is one slow-start doubling, not three");

        await SweepRoundAsync(limiter, 100);
        limiter.Limit.Should().Be(28, "one round of leases that queued is one cut (32 x 0.9), not one for each of its requests");

        await SweepRoundAsync(limiter, 20);
        limiter.Limit.Should().Be(29, "out of slow start, one clean round of leases grows the limit by one");
    }

    [Fact]
    public async Task Adaptive_AfterADrop_IgnoresTheDropsOfTheLeasesInFlightUntilTheyHaveEnded()
    {
        var limiter = StoreCallLimiter.Adaptive(new AdaptiveLimit(initial: 16));
        await FirstUploadAsync(limiter);
        for (var i = 0; i < 16; i++)
            await limiter.AcquireAsync(CancellationToken.None);

        // Sixteen uploads refused at their probe, then again at their abort: one overload, one cut.
        for (var request = 0; request < 2; request++)
            for (var i = 0; i < 16; i++)
                limiter.OnDrop();
        for (var i = 0; i < 16; i++)
            limiter.OnSuccess(TimeSpan.FromMilliseconds(20));

        limiter.Limit.Should().Be(8, "the second refusal of a lease in flight at the cut says nothing new");
        limiter.Drops.Should().Be(32, "every refusal is still counted");
    }

    [Fact]
    public async Task Adaptive_AfterACut_HoldsBackTheRequestsOfTheLeasesAlreadyOut()
    {
        var limiter = StoreCallLimiter.Adaptive(new AdaptiveLimit(initial: 16));
        for (var i = 0; i < 16; i++)
        {
            await limiter.AcquireAsync(CancellationToken.None);
            await limiter.AcquireRequestAsync(CancellationToken.None);
        }

        limiter.OnDrop();
        for (var i = 0; i < 16; i++)
            limiter.ReleaseRequest();
        var next = Enumerable.Range(0, 16).Select(_ => limiter.AcquireRequestAsync(CancellationToken.None)).ToList();

        limiter.Limit.Should().Be(8);
        next.Count(t => t.IsCompleted).Should().Be(8, "sixteen uploads are out, but after the cut only eight requests go");
        limiter.ReleaseRequest();
        await next[8];
        next.Count(t => t.IsCompleted).Should().Be(9, "one answered, one more goes, oldest first");
    }

    [Fact]
    public async Task Adaptive_RequestsOutsideAnyLease_GrowTheLimitAfterASweep()
    {
        var limiter = StoreCallLimiter.Adaptive(new AdaptiveLimit(initial: 8));
        await FirstUploadAsync(limiter);
        await SweepRoundAsync(limiter, 20);
        limiter.Limit.Should().Be(16);

        // Then only listings: sixteen requests at a time, no upload out.
        for (var round = 0; round < 2; round++)
        {
            var slots = limiter.Limit;
            for (var i = 0; i < slots; i++)
                await limiter.AcquireRequestAsync(CancellationToken.None);
            for (var i = 0; i < slots; i++)
                limiter.OnSuccess(TimeSpan.FromMilliseconds(20));
            for (var i = 0; i < slots; i++)
                limiter.ReleaseRequest();
        }

        limiter.Limit.Should().Be(64, "with no lease out a window counts requests, and requests in flight use the limit");
    }

    [Fact]
    public async Task Fixed_RequestsAreBoundedByTheLeasesAlone()
    {
        var limiter = StoreCallLimiter.Fixed(2);
        var requests = Enumerable.Range(0, 5).Select(_ => limiter.AcquireRequestAsync(CancellationToken.None)).ToList();

        requests.Should().AllSatisfy(t => t.IsCompleted.Should().BeTrue("a pinned limit counts uploads, not requests"));
        await Task.WhenAll(requests);
    }

    [Fact]
    public async Task Adaptive_ByDefault_StartsWithEightUploadsInFlight()
    {
        var limiter = StoreCallLimiter.For(pinned: null);
        for (var i = 0; i < 8; i++)
            await limiter.AcquireAsync(CancellationToken.None);

        var ninth = limiter.AcquireAsync(CancellationToken.None);

        ninth.IsCompleted.Should().BeFalse("eight go at once before any window has ended");
        limiter.Release();
        await ninth;
    }
}
