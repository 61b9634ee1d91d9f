using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Adapters;
using MultipartAbort.Core.Abort;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Events;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Ibm.Tests.Infrastructure;
using MultipartAbort.Testing;

namespace MultipartAbort.Ibm.Tests;

/// <summary>
/// The cos:// retry ledger on moto's S3 through the real SDK, drained by the real handlers. The uploads themselves are
/// scripted (parts that keep landing after every abort cannot be made on moto); the ledger is all moto.
/// </summary>
[Collection(MotoCollection.Name)]
public sealed class RetryLedgerTests(MotoServer moto) : IAsyncLifetime
{
    private const string Data = "data";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly AmazonS3Client _s3 = moto.CreateS3Client();
    private readonly OrderRecordingStore _store = new();
    private string _ledgerBucket = null!;

    public async Task InitializeAsync() => _ledgerBucket = await new StoreSeeder(_s3).BucketAsync(MotoServer.UniqueBucket("ledger"));

    public Task DisposeAsync()
    {
        _s3.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>One "process": settings from the environment, the ledgers on moto, the uploads scripted.</summary>
    /// <param name="crashing">The process "dies" when it comes to deleting an entry.</param>
    /// <param name="deadLetterUrl">DEAD_LETTER_QUEUE_URL (null: unset).</param>
    private FunctionServices Services(bool crashing = false, string? deadLetterUrl = "dead/")
    {
        var env = moto.FunctionEnvironment(
            (EnvironmentVariables.RetryQueueUrl, $"cos://{_ledgerBucket}/retry/"),
            (EnvironmentVariables.DeadLetterQueueUrl, deadLetterUrl is null ? null : $"cos://{_ledgerBucket}/{deadLetterUrl}"),
            (EnvironmentVariables.MaxAttempts, "3"),
            (EnvironmentVariables.ImmediateReaborts, "0"),
            (EnvironmentVariables.SweepConcurrency, "1")
        );
        var settings = Settings.Load(new DictionaryEnvironment(env)) with { ReabortBackoff = TimeSpan.Zero };
        var queues = AwsClients.CreateQueues(settings, _s3, _time);
        if (crashing)
            queues = queues with { Retry = new CrashingLedger((IRetryLedger)queues.Retry!) };
        return FunctionServices.Create(settings, _store, queues, TextWriter.Null, null, _time);
    }

    /// <summary>Parts land again after every abort: each run ends re-queued (or dead-lettered).</summary>
    private void Stuck(string key) => _store.Add(Data, key, "u-" + key, parts: 1, lateLandings: 1000);

    private void Finishable(string key) => _store.Add(Data, key, "u-" + key, parts: 1);

    private static Task Enqueue(FunctionServices services, string key, int attempt, TimeSpan delay) =>
        services.Queues.Retry!.SendAsync(MessageJson.AbortRequest(new AbortRequest(Data, key, "u-" + key) { Attempt = attempt }), delay, CancellationToken.None);

    private async Task<IReadOnlyList<(string Name, JsonElement Body)>> EntriesAsync(string folder)
    {
        var listing = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _ledgerBucket, Prefix = folder + "/" });
        var entries = new List<(string, JsonElement)>();
        foreach (var o in listing.S3Objects ?? [])
        {
            using var get = await _s3.GetObjectAsync(_ledgerBucket, o.Key);
            using var reader = new StreamReader(get.ResponseStream);
            entries.Add((o.Key, JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone()));
        }
        return entries;
    }

    private static Task<InvocationResult> RunAsync(FunctionServices services, string key) =>
        services.Requests.RunAsync(new UploadsPayload([ParsedUpload.Valid(new AbortRequest(Data, key, "u-" + key))]), AbortOptions.Direct, services.Begin(null, CancellationToken.None));

    private static Task<RetryLedgerDrainResult> DrainAsync(FunctionServices services) => services.RetryLedger!.DrainAsync(services.Begin(null, CancellationToken.None));

    [Fact]
    public async Task Requeue_PartsRemain_WritesOneEntryNamedByItsDueTime_AndARepeatWritesTheSameOne()
    {
        var services = Services();
        Stuck("k");

        var first = await RunAsync(services, "k");
        await RunAsync(services, "k");

        first.Results.Single().Outcome.Should().Be(AbortOutcome.Requeued);
        var entry = (await EntriesAsync("retry")).Should().ContainSingle().Subject;
        entry.Name.Should().StartWith("retry/20260101T000030.000Z-").And.EndWith(".json");
        entry.Body.GetProperty("key").GetString().Should().Be("k");
        entry.Body.GetProperty("attempt").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task Drain_TakesDueEntriesInDueOrder_AndLeavesLaterOnesAlone()
    {
        var services = Services();
        foreach (var key in new[] { "a", "b", "c", "later" })
            Finishable(key);
        await Enqueue(services, "c", 0, TimeSpan.FromSeconds(30));
        await Enqueue(services, "later", 0, TimeSpan.FromMinutes(10));
        await Enqueue(services, "a", 0, TimeSpan.FromSeconds(10));
        await Enqueue(services, "b", 0, TimeSpan.FromSeconds(20));

        _time.Advance(TimeSpan.FromMinutes(1));
        var result = await DrainAsync(services);

        _store.Aborted.Should().Equal("a", "b", "c");
        result.Due.Should().Be(3);
        result.Settled.Should().Be(3);
        result.Counts[AbortOutcome.Aborted].Should().Be(3);
        (await EntriesAsync("retry")).Should().ContainSingle().Which.Body.GetProperty("key").GetString().Should().Be("later");
    }

    [Fact]
    public async Task Drain_EntryRequeuedAgain_MovesToItsNextAttempt()
    {
        var services = Services();
        Stuck("k");
        await RunAsync(services, "k");

        _time.Advance(TimeSpan.FromSeconds(30));
        var result = await DrainAsync(services);

        result.Counts[AbortOutcome.Requeued].Should().Be(1);
        result.Settled.Should().Be(1);
        var entry = (await EntriesAsync("retry")).Should().ContainSingle().Subject;
        entry.Body.GetProperty("attempt").GetInt32().Should().Be(2);
        entry.Name.Should().StartWith("retry/20260101T000130.000Z-", "the next delay (60 s) counts from when the entry was due");
    }

    [Fact]
    public async Task TwoDrainsAtOnce_RunEachEntryOnceOrTwice_AndNeverMultiplyIt()
    {
        var setup = Services();
        var keys = Enumerable.Range(0, 6).Select(i => $"p{i}").ToArray();
        foreach (var key in keys)
        {
            Stuck(key);
            await Enqueue(setup, key, 0, TimeSpan.FromSeconds(10));
        }
        _time.Advance(TimeSpan.FromSeconds(10));

        var results = await Task.WhenAll(DrainAsync(Services()), DrainAsync(Services()));

        var entries = await EntriesAsync("retry");
        entries.Select(e => e.Body.GetProperty("key").GetString()).Should().BeEquivalentTo(keys, "one next attempt per upload, however many drains ran it");
        entries.Should().OnlyContain(e => e.Body.GetProperty("attempt").GetInt32() == 1);
        _store.Aborted.GroupBy(k => k).Should().OnlyContain(g => g.Count() <= 2);
        _store.Aborted.Distinct().Should().BeEquivalentTo(keys);
        results.Sum(r => r.Settled + r.Gone).Should().BeGreaterThanOrEqualTo(keys.Length);
        (await EntriesAsync("dead")).Should().BeEmpty();
    }

    [Fact]
    public async Task CrashBeforeDelete_OfARequeuedEntry_LosesNothingAndDoesNotMultiplyIt()
    {
        var services = Services(crashing: true);
        Stuck("stuck");
        await Enqueue(services, "stuck", 0, TimeSpan.Zero);

        var crash = () => services.RetryLedger!.DrainAsync(services.Begin(null, CancellationToken.None));
        await crash.Should().ThrowAsync<CrashingLedger.SimulatedCrashException>();
        var afterCrash = await EntriesAsync("retry");
        var result = await DrainAsync(Services());

        afterCrash.Select(e => e.Body.GetProperty("attempt").GetInt32()).Should().BeEquivalentTo([0, 1], "the entry and its next attempt are both kept");
        result.Settled.Should().Be(1);
        var left = (await EntriesAsync("retry")).Should().ContainSingle().Subject;
        left.Body.GetProperty("attempt").GetInt32().Should().Be(1);
        left.Name.Should().Be(afterCrash.Single(e => e.Body.GetProperty("attempt").GetInt32() == 1).Name, "the repeat rewrote the same next attempt");
    }

    [Fact]
    public async Task CrashBeforeDelete_OfAFinishedEntry_IsRunAgainAndEndsAlreadyGone()
    {
        var services = Services(crashing: true);
        Finishable("done");
        await Enqueue(services, "done", 0, TimeSpan.Zero);

        var crash = () => services.RetryLedger!.DrainAsync(services.Begin(null, CancellationToken.None));
        await crash.Should().ThrowAsync<CrashingLedger.SimulatedCrashException>();
        var result = await DrainAsync(Services());

        _store.Aborted.Should().Equal("done", "done");
        result.Counts[AbortOutcome.AlreadyGone].Should().Be(1);
        result.Settled.Should().Be(1);
        (await EntriesAsync("retry")).Should().BeEmpty();
    }

    [Fact]
    public async Task Drain_AfterMaxAttempts_DeadLettersIntoTheDeadLetterLedger_WhichIsNeverDrained()
    {
        var services = Services();
        Stuck("k");
        await RunAsync(services, "k"); // attempt 0 -> re-queued as 1 in 30 s

        _time.Advance(TimeSpan.FromSeconds(30));
        await DrainAsync(services); // attempt 1 -> re-queued as 2 in 60 s
        _time.Advance(TimeSpan.FromSeconds(60));
        var last = await DrainAsync(services); // attempt 2 -> 3 of MAX_ATTEMPTS 3: dead-lettered
        _time.Advance(TimeSpan.FromDays(1));
        var later = await DrainAsync(services);

        last.Counts[AbortOutcome.DeadLettered].Should().Be(1);
        later.Due.Should().Be(0);
        (await EntriesAsync("retry")).Should().BeEmpty();
        var dead = (await EntriesAsync("dead")).Should().ContainSingle().Subject;
        dead.Body.GetProperty("attempt").GetInt32().Should().Be(2);
        dead.Body.GetProperty("reason").GetString().Should().Contain("on attempt 3 of 3");
    }

    [Fact]
    public async Task WithoutADeadLetterQueue_WhatCanNeverSucceed_GoesToTheDeadLetterPrefixBesideTheLedger()
    {
        // Issue 22 defect 5: without DEAD_LETTER_QUEUE_URL a poison entry stayed in the ledger and every drain ran it again.
        var services = Services(deadLetterUrl: null);
        await services.Queues.Retry!.SendAsync("{\"bucket\":\"data\"}", TimeSpan.Zero, CancellationToken.None);

        var first = await DrainAsync(services);
        var second = await DrainAsync(services);

        services.Settings.DeadLetterQueueUrl.Should().Be($"cos://{_ledgerBucket}/retry-dead-letters/");
        first.Settled.Should().Be(1);
        second.Due.Should().Be(0);
        (await EntriesAsync("retry")).Should().BeEmpty();
        var dead = (await EntriesAsync("retry-dead-letters")).Should().ContainSingle().Subject;
        dead.Body.GetProperty("reason").GetString().Should().Contain("key is missing");
    }
}
