using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Concurrency;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Fleet;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Observability;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Sweep;

/// <summary>SweepRunner.SweepAsync, the one sweep every host calls: the floor, one bucket, its shards, a fleet.</summary>
public sealed class SweepUseCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DayOld = Now.AddDays(-1);
    private readonly FakeTimeProvider _time = new(Now);

    private SweepRunner Runner(IObjectStore store, Settings settings)
    {
        var log = new StructuredLogger(TextWriter.Null, "t", LogLevel.None, _time);
        var scan = new FleetScan(new PrefixListing(store, settings.PrefixListing, log), new BucketSelector(store as IBucketDirectory, settings.Access), StoreCallLimiter.For(4));
        return new SweepRunner(scan, new AbortWorkflow(store, settings, log, _time), settings, log, _time);
    }

    private Invocation Begin(Asker asker, bool allowYoung = false) => new(_time, TimeSpan.FromSeconds(5), null, new QueuePair(null, null), CancellationToken.None) { Asker = asker, AllowYoung = allowYoung };

    [Theory]
    [InlineData(Asker.Operator, true, "--older-than PT5M is below SWEEP_MIN_AGE (PT1H); add --allow-young")]
    [InlineData(Asker.Event, false, "sweep.olderThan PT5M is below SWEEP_MIN_AGE (PT1H); nothing was listed")]
    // mpa drain replays queued events as the operator: they keep the event's words and log line.
    [InlineData(Asker.Operator, false, "sweep.olderThan PT5M is below SWEEP_MIN_AGE (PT1H); nothing was listed")]
    public async Task ASweepBelowTheFloor_IsRefusedBeforeAnyListing_InTheWordsOfWhoAsked(Asker asker, bool commandLine, string message)
    {
        var store = new ScriptedObjectStore();
        store.Add("bkt", "k", "u", initiated: DayOld);
        var selected = 0;
        using var invocation = Begin(asker);

        var result = await Runner(store, new Settings()).SweepAsync(new SweepRequest("bkt", TimeSpan.FromMinutes(5)), invocation, selected: n => selected = n, commandLine: commandLine);

        var refused = result.Results.Should().ContainSingle().Subject;
        refused.Outcome.Should().Be(AbortOutcome.Rejected);
        refused.Field.Should().Be("sweep.olderThan");
        refused.Message.Should().StartWith(message);
        result.Sweeps.Should().BeEmpty();
        store.ListUploadsCalls.Should().Be(0);
        selected.Should().Be(0, "nothing was selected, so a display has nothing to show");
    }

    [Fact]
    public async Task AnOperatorWhoAllowsYoungUploads_SweepsBelowTheFloor()
    {
        var store = new ScriptedObjectStore();
        store.Add("bkt", "k", "u", initiated: Now.AddMinutes(-10));
        using var invocation = Begin(Asker.Operator, allowYoung: true);

        var result = await Runner(store, new Settings { MinIdle = TimeSpan.Zero }).SweepAsync(new SweepRequest("bkt", TimeSpan.FromMinutes(5)), invocation);

        result.Sweeps.Should().ContainSingle().Which.Aborted.Should().Be(1);
        result.SweepsAsList.Should().BeFalse("one bucket answers as one sweep object");
    }

    [Fact]
    public async Task Shards_RunHere_AnswerAsOneSweepOfTheWholeRange()
    {
        var store = new ScriptedObjectStore();
        for (var i = 0; i < 40; i++)
            store.Add("bkt", $"k{i:D2}", $"u{i}", initiated: DayOld);
        using var invocation = Begin(Asker.Operator);

        var result = await Runner(store, new Settings { MinIdle = TimeSpan.Zero }).SweepAsync(new SweepRequest("bkt", TimeSpan.FromHours(1)), invocation, shards: 4);

        var sweep = result.Sweeps.Should().ContainSingle().Subject;
        sweep.Shard.Should().Be("all 4");
        sweep.Listed.Should().Be(40, "the shards list one range, counted once");
        sweep.Aborted.Should().Be(40);
        result.Summary[AbortOutcome.Aborted].Should().Be(40);
    }

    [Fact]
    public async Task AFleet_SweepsWhatItSelects_AndARefusedBucketIsARejectedResultInTheCounts()
    {
        var store = new ScriptedObjectStore();
        store.Add("logs-a", "k", "u", initiated: DayOld);
        store.Add("logs-b", "k", "u", initiated: DayOld);
        store.Add("secret", "k", "u", initiated: DayOld);
        var settings = new Settings { MinIdle = TimeSpan.Zero, Access = new AccessPolicy(["logs-*"], null) };
        var selected = -1;
        using var invocation = Begin(Asker.Operator);

        var result = await Runner(store, settings).SweepAsync(new SweepRequest("*", TimeSpan.FromHours(1)), invocation, fleet: ["logs-*", "secret"], selected: n => selected = n);

        selected.Should().Be(2);
        result.SweepsAsList.Should().BeTrue();
        result.Sweeps.Select(s => s.Bucket).Should().Equal("logs-a", "logs-b");
        var refused = result.Results.Should().ContainSingle().Subject;
        (refused.Bucket, refused.Outcome).Should().Be(("secret", AbortOutcome.Rejected));
        result.Summary[AbortOutcome.Rejected].Should().Be(1);
        result.Summary[AbortOutcome.Aborted].Should().Be(2);
        store.Get("secret", "k", "u")!.Aborted.Should().BeFalse();
    }
}
