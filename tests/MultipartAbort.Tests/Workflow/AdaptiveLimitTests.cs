using MultipartAbort.Core.Concurrency;


namespace MultipartAbort.Tests.Workflow;

/// <summary>The AIMD algorithm on scripted sample sequences: no clock, no threads, the same samples give the same limit.</summary>
public sealed class AdaptiveLimitTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(20);

    /// <summary>One full window at the current limit, every request answered after <paramref name="latency"/> with the limit in use.</summary>
    private static void CleanWindow(AdaptiveLimit limit, TimeSpan latency)
    {
        var size = Math.Max(limit.Limit, limit.MinWindow);
        for (var i = 0; i < size; i++)
            limit.OnSuccess(latency, limit.Limit);
    }

    /// <summary>Clean windows until the limit passes <paramref name="last"/>: how many ran at each limit.</summary>
    private static Dictionary<int, int> CleanWindowsUpTo(AdaptiveLimit limit, int last)
    {
        var windowsAt = new Dictionary<int, int>();
        while (limit.Limit <= last)
        {
            windowsAt[limit.Limit] = windowsAt.GetValueOrDefault(limit.Limit) + 1;
            CleanWindow(limit, Fast);
        }
        return windowsAt;
    }

    [Fact]
    public void Limit_WhenWindowsAreCleanAndTheLimitIsUsed_DoublesInSlowStart()
    {
        var limit = new AdaptiveLimit();
        var seen = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            CleanWindow(limit, Fast);
            seen.Add(limit.Limit);
        }

        seen.Should().Equal(2, 4, 8, 16, 32);
        limit.Settled.Should().Be(16, "the highest window that ended clean ran at 16");
    }

    [Fact]
    public void Limit_WhenTheLimitIsNotUsed_DoesNotGrow()
    {
        var limit = new AdaptiveLimit(initial: 16);

        for (var i = 0; i < 16; i++)
            limit.OnSuccess(Fast, inFlight: 3);

        limit.Limit.Should().Be(16, "3 in flight out of 16 says nothing about whether 32 would be better");
    }

    [Fact]
    public void Limit_OnADrop_HalvesAtOnceAndIgnoresTheDropsOfRequestsAlreadyInFlight()
    {
        var limit = new AdaptiveLimit(initial: 40);

        limit.OnDrop();
        limit.OnDrop();
        limit.OnDrop();

        limit.Limit.Should().Be(20);
        limit.Drops.Should().Be(1);
    }

    [Fact]
    public void Limit_AfterADrop_GrowsByOneAWindow()
    {
        var limit = new AdaptiveLimit(initial: 40);
        limit.OnDrop();

        CleanWindow(limit, Fast);
        CleanWindow(limit, Fast);

        limit.Limit.Should().Be(22);
    }

    [Fact]
    public void Limit_WhenLatencyRisesAboveTheTolerance_ShrinksAndLeavesSlowStart()
    {
        var limit = new AdaptiveLimit(initial: 8);
        CleanWindow(limit, Fast);
        limit.Limit.Should().Be(16);

        CleanWindow(limit, Fast * 5);
        limit.Limit.Should().Be(14, "16 x 0.9, rounded down");

        CleanWindow(limit, Fast);
        limit.Limit.Should().Be(15, "out of slow start: one more per clean window");
    }

    [Fact]
    public void Limit_AfterOneLuckyFastWindow_IsNotHeldDownForEver()
    {
        var limit = new AdaptiveLimit(initial: 8);
        CleanWindow(limit, TimeSpan.FromMilliseconds(5));

        for (var i = 0; i < 100; i++)
            CleanWindow(limit, TimeSpan.FromMilliseconds(15));

        limit.Limit.Should().BeGreaterThan(16, "the baseline drifted up to what the store answers now, and the limit grew again");
    }

    [Fact]
    public void Limit_OnASaturatedStore_SettlesNearTheKneeInsteadOfCreepingUp()
    {
        // A store 25 ms away that serves 180 requests/s: up to 4.5 in flight each takes 25 ms; beyond that they queue
        // (Little's law: latency = in flight / throughput). A latency guard of twice the baseline allows about 9.
        static TimeSpan Latency(int inFlight) => TimeSpan.FromMilliseconds(Math.Max(25, inFlight / 0.18));
        var limit = new AdaptiveLimit { LatencyTolerance = 2, QueueAllowance = TimeSpan.Zero };
        var seen = new List<int>();

        for (var w = 0; w < 2000; w++)
        {
            CleanWindow(limit, Latency(limit.Limit));
            seen.Add(limit.Limit);
        }

        seen.Skip(100).Should().AllSatisfy(l => l.Should().BeInRange(5, 12, "past the knee more in flight only queues"));
        limit.Settled.Should().BeInRange(8, 10);
    }

    [Fact]
    public void Limit_NextToASaturatedStore_TakesTheQueueAllowanceBeforeItShrinks()
    {
        // A store next door: 2 ms a request unloaded, 800 requests/s at most (Ceph RGW on loopback). Four times the
        // baseline is 8 ms, about 6 in flight; the allowance lets it queue up to 50 ms above the baseline, about 41.
        static TimeSpan Latency(int inFlight) => TimeSpan.FromMilliseconds(Math.Max(2, inFlight / 0.8));
        var limit = new AdaptiveLimit();
        var seen = new List<int>();

        for (var w = 0; w < 2000; w++)
        {
            CleanWindow(limit, Latency(limit.Limit));
            seen.Add(limit.Limit);
        }

        seen.Skip(100).Should().AllSatisfy(l => l.Should().BeInRange(33, 42, "52 ms is 41.6 in flight"));
        limit.Settled.Should().Be(41);
    }

    [Fact]
    public void Limit_BackAtTheLimitTheStoreRefused_GrowsOnceEveryPlateauWindows()
    {
        var limit = new AdaptiveLimit(initial: 26);
        limit.OnDrop();
        var windowsAt = CleanWindowsUpTo(limit, 27);

        windowsAt[13].Should().Be(1, "far below the refused 26 it grows by one a window");
        windowsAt[24].Should().Be(1);
        windowsAt[25].Should().Be(4, "one below the refused limit it waits");
        windowsAt[26].Should().Be(4);
        windowsAt[27].Should().Be(1, "past the refused limit the store took more: grow as before");
    }

    [Fact]
    public void Limit_RefusedAgainOnThePlateau_WaitsTheFullPlateauBelowTheNewRefusal()
    {
        var limit = new AdaptiveLimit(initial: 26);
        limit.OnDrop();
        while (limit.Limit < 25)
            CleanWindow(limit, Fast);
        CleanWindow(limit, Fast);
        CleanWindow(limit, Fast);
        limit.Limit.Should().Be(25, "two of the four windows at 25 have passed");

        limit.OnDrop();
        var windowsAt = CleanWindowsUpTo(limit, 25);

        limit.Limit.Should().Be(26);
        windowsAt[23].Should().Be(1);
        windowsAt[24].Should().Be(4, "a new refusal starts a new plateau: the windows at the old one do not count");
        windowsAt[25].Should().Be(4);
    }

    [Fact]
    public void Limit_CutByLatencyBelowALimitItHasSincePassed_GrowsByOneAWindow()
    {
        var limit = new AdaptiveLimit(initial: 26);
        limit.OnDrop();
        while (limit.Limit <= 27)
            CleanWindow(limit, Fast);

        CleanWindow(limit, TimeSpan.FromMilliseconds(500));
        limit.Limit.Should().Be(25, "one queueing window cuts 28 by a tenth");
        var windowsAt = CleanWindowsUpTo(limit, 26);

        windowsAt[25].Should().Be(1, "the store took 27 since it refused 26: no plateau there any more");
        windowsAt[26].Should().Be(1);
    }

    [Fact]
    public void Limit_StaysWithinTheFloorAndTheCeiling()
    {
        var limit = new AdaptiveLimit { Ceiling = 64 };
        for (var i = 0; i < 20; i++)
            CleanWindow(limit, Fast);
        limit.Limit.Should().Be(64);

        for (var i = 0; i < 500; i++)
            limit.OnDrop();
        limit.Limit.Should().Be(1);
    }

    [Fact]
    public void Limit_BehindAStoreThatRefusesMoreThanK_SettlesAtOrBelowKAndRecoversWhenKRises()
    {
        // A round sends as many requests as the limit allows; those beyond K come back SlowDown.
        var limit = new AdaptiveLimit();
        var k = 12;
        var refused = 0;
        var sent = 0;
        void Round()
        {
            var inFlight = limit.Limit;
            for (var i = 0; i < inFlight; i++)
            {
                sent++;
                if (i >= k)
                {
                    refused++;
                    limit.OnDrop();
                }
                else
                    limit.OnSuccess(Fast, inFlight);
            }
        }

        for (var r = 0; r < 200; r++)
            Round();
        limit.Settled.Should().Be(k);
        limit.Limit.Should().BeLessThanOrEqualTo(k + 1);
        ((double)refused / sent).Should().BeLessThan(0.02, "a sawtooth that touches K+1 once a cycle refuses few");

        k = 40;
        for (var r = 0; r < 400; r++)
            Round();
        limit.Settled.Should().Be(k, "the limit grew again once the store allowed more");
    }
}
