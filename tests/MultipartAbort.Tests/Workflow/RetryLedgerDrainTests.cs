using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core;
using MultipartAbort.Core.Handlers;
using MultipartAbort.Core.Hosting;
using MultipartAbort.Core.Model;
using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Serialization;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Workflow;

/// <summary>The drain's rules on an in-memory ledger (the cos:// ledger itself is tested on moto in MultipartAbort.Ibm.Tests).</summary>
public class RetryLedgerDrainTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ScriptedObjectStore _store = new();
    private readonly MemoryLedger _ledger;
    private readonly RecordingQueue _deadLetters = new("memory://dead");
    private readonly FunctionServices _services;

    public RetryLedgerDrainTests()
    {
        _ledger = new MemoryLedger(_time);
        var settings = new Settings { ImmediateReaborts = 0, ReabortBackoff = TimeSpan.Zero, SweepConcurrency = 1 };
        _services = FunctionServices.Create(settings, _store, new QueuePair(_ledger, _deadLetters), TextWriter.Null, null, _time);
    }

    private sealed class MemoryLedger(TimeProvider time, DateTimeOffset? origin = null, SortedDictionary<string, string>? entries = null) : IRetryLedger
    {
        private readonly SortedDictionary<string, string> _entries = entries ?? new(StringComparer.Ordinal);
        private static int s_sequence; // shared by a ledger and its CountingFrom views, so no write replaces another

        public IReadOnlyCollection<string> Bodies => _entries.Values;
        public IReadOnlyCollection<string> Names => _entries.Keys;
        public string Address => "memory://retry";

        public Task SendAsync(string body, TimeSpan delay, CancellationToken cancellationToken) => Write(body, (origin ?? time.GetUtcNow()) + delay, 0);

        private Task Write(string body, DateTimeOffset due, int runs)
        {
            lock (_entries)
                _entries[$"{due.UtcTicks:D20}-{Interlocked.Increment(ref s_sequence):D6}-r{runs}"] = body;
            return Task.CompletedTask;
        }

        public async Task PostponeAsync(LedgerEntry entry, string body, DateTimeOffset due, CancellationToken cancellationToken)
        {
            await Write(body, due, entry.Runs + 1);
            await DeleteAsync(entry, cancellationToken);
        }

        public IMessageQueue CountingFrom(DateTimeOffset from) => new MemoryLedger(time, from, _entries);

        /// <summary>Live, like a paged listing: an entry written during the drain, after the last one yielded, is seen.</summary>
        public async IAsyncEnumerable<LedgerEntry> ListDueAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            string? last = null;
            while (true)
            {
                await Task.Yield();
                string? name;
                lock (_entries)
                    name = _entries.Keys.FirstOrDefault(k => last is null || string.CompareOrdinal(k, last) > 0);
                if (name is null)
                    yield break;
                var due = new DateTimeOffset(long.Parse(name[..20], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
                if (due > now)
                    yield break;
                last = name;
                yield return new LedgerEntry(name, due, int.Parse(name[(name.LastIndexOf("-r", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        public Task<byte[]?> ReadAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            lock (_entries)
                return Task.FromResult(RawEntries.GetValueOrDefault(entry.Name) ?? (_entries.GetValueOrDefault(entry.Name) is { } body ? System.Text.Encoding.UTF8.GetBytes(body) : null));
        }

        /// <summary>Entries whose bytes are no text (written by hand in the store); their names are in the ledger too.</summary>
        public Dictionary<string, byte[]> RawEntries { get; } = new(StringComparer.Ordinal);

        public Task DeleteAsync(LedgerEntry entry, CancellationToken cancellationToken)
        {
            lock (_entries)
                _entries.Remove(entry.Name);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Drain_WhenAnEntrysNextAttemptIsDueAtOnce_RunsTheUploadOnlyOnce()
    {
        var services = FunctionServices.Create(
            new Settings { ImmediateReaborts = 0, ReabortBackoff = TimeSpan.Zero, RetryBaseDelay = TimeSpan.Zero, SweepConcurrency = 1 },
            _store,
            new QueuePair(_ledger, _deadLetters),
            TextWriter.Null,
            null,
            _time
        );
        _store.Add("bucket", "k", "u", parts: 1, lateLandings: 100);
        await Enqueue(MessageJson.AbortRequest(new AbortRequest("bucket", "k", "u")));

        var result = await services.RetryLedger!.DrainAsync(services.Begin(null, CancellationToken.None));

        result.Counts[AbortOutcome.Requeued].Should().Be(1);
        result.Deferred.Should().Be(1, "its next attempt was due at once and is left for the next drain");
        _store.AbortCalls.Should().Be(1);
        _deadLetters.Sent.Should().BeEmpty();
        _ledger.Bodies.Should().ContainSingle().Which.Should().Contain("\"attempt\":1");
    }

    private Task Enqueue(string body) => _ledger.SendAsync(body, TimeSpan.Zero, CancellationToken.None);

    [Fact]
    public async Task Drain_ByAnOperator_StillHoldsEachEntryToTheFloorsOfAnEvent()
    {
        _store.Add("bucket", "k", "u", initiated: _time.GetUtcNow() - TimeSpan.FromDays(2));
        await Enqueue("""{"sweep":{"bucket":"bucket","olderThan":"PT0S"}}""");

        // mpa drain is an operator's command, but what it runs arrived as events: SWEEP_MIN_AGE still holds.
        var result = await _services.RetryLedger!.DrainAsync(_services.Begin(null, CancellationToken.None, Asker.Operator, allowYoung: true));

        result.Counts[AbortOutcome.Rejected].Should().Be(1);
        _store.AbortCalls.Should().Be(0);
        _deadLetters.Sent.Should().ContainSingle().Which.Body.Should().Contain("sweep.olderThan PT0S is below SWEEP_MIN_AGE");
    }

    [Fact]
    public async Task Drain_WithEntriesThatCannotBeDecoded_DeadLettersEachAtOnce_AndRunsTheRest()
    {
        _store.Add("b-ok", "k", "u");
        await Enqueue("""{"\ud800":1,"bucket":"b-ok","key":"k","uploadId":"u"}""");
        await Enqueue("""{"bucket":"b-ok","key":"k","uploadId":"u","notBefore":"x\ud800"}""");
        await Enqueue("""{"sweep":{"bucket":"b-ok","olderThan":"P١D"}}""");
        await Enqueue("""{"sweep":{"bucket":"b-ok","olderThan":"P800000D"}}""");
        await Enqueue("placeholder for bytes that are not UTF-8");
        var raw = _ledger.Names.Last();
        _ledger.RawEntries[raw] = [.. "{\"bucket\":\"b-ok\",\"key\":\"odd/"u8, 0xFF, 0xFE, .. "\",\"uploadId\":\"u\"}"u8];
        await Enqueue(MessageJson.AbortRequest(new AbortRequest("b-ok", "k", "u")));

        var result = await _services.RetryLedger!.DrainAsync(_services.Begin(null, CancellationToken.None));

        result.Counts[AbortOutcome.Aborted].Should().Be(1, "the good entry after the poison still runs");
        var reasons = _deadLetters.Sent.Select(m => System.Text.Json.JsonDocument.Parse(m.Body).RootElement.GetProperty("reason").GetString()!).ToArray();
        reasons.Should().HaveCount(5, "each entry that cannot be decoded is dead-lettered at once, not postponed as .r1");
        reasons.Should().Contain(r => r.Contains("a property name is not valid Unicode"))
            .And.Contain(r => r.Contains("notBefore is not valid Unicode"))
            .And.Contain(r => r.Contains("sweep.olderThan") && r.Contains("P١D"))
            .And.Contain(r => r.Contains("P36500D"))
            .And.Contain(r => r.Contains("not valid UTF-8"));
        _ledger.Names.Should().BeEmpty("nothing is left to crash the next drain");
        _store.ListPartsCalls.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Services_WithAnSqsOrNoRetryQueue_HaveNoLedgerToDrain()
    {
        var services = FunctionServices.Create(new Settings(), _store, new QueuePair(new RecordingQueue(), null), TextWriter.Null);

        services.RetryLedger.Should().BeNull();
        _services.RetryLedger.Should().NotBeNull();
        _services.RetryLedger!.Address.Should().Be("memory://retry");
    }

    [Fact]
    public async Task Drain_WhenTheDeadlineIsNear_TakesNothingAndKeepsEveryEntry()
    {
        _store.Add("bucket", "k", "u");
        await Enqueue(MessageJson.AbortRequest(new AbortRequest("bucket", "k", "u")));
        using var context = _services.Begin(_time.GetUtcNow() + TimeSpan.FromSeconds(2), CancellationToken.None); // under the 10 s reserve

        var result = await _services.RetryLedger!.DrainAsync(context);

        result.StoppedEarly.Should().BeTrue();
        result.Due.Should().Be(0);
        _store.AbortCalls.Should().Be(0);
        _ledger.Bodies.Should().ContainSingle();
    }

    [Fact]
    public async Task Drain_CancelledPartWay_AnswersWithWhatItDid_AndLeavesTheRestForTheNextDrain()
    {
        // Issue 22 defect 5: the drain cancelled Parallel.ForEachAsync with the caller's token, so a cancelled drain
        // threw and its counts (an upload already aborted among them) were lost; the HTTP tick answered 500.
        using var caller = new CancellationTokenSource();
        foreach (var key in new[] { "a", "b", "c" })
        {
            _store.Add("bucket", key, "u");
            await Enqueue(MessageJson.AbortRequest(new AbortRequest("bucket", key, "u")));
        }
        _store.FailWith = op =>
        {
            if (op == "ListParts")
                caller.Cancel(); // after the first entry's abort: the host is told to stop
            return null;
        };

        var result = await _services.RetryLedger!.DrainAsync(_services.Begin(null, caller.Token));

        result.StoppedEarly.Should().BeTrue();
        result.Counts[AbortOutcome.Aborted].Should().Be(1, "the first entry was done before the stop, and is counted");
        result.Settled.Should().Be(1);
        _ledger.Bodies.Should().HaveCount(2, "the entries not taken wait for the next drain");
    }

    [Fact]
    public async Task Drain_WhenTheStoreFailsTransiently_RewritesTheEntryAsItsNextAttempt()
    {
        _store.Add("bucket", "k", "u");
        _store.FailWith = op => new StoreException(op, "InternalError: we encountered an internal error", isTransient: true, "InternalError");
        await Enqueue(MessageJson.AbortRequest(new AbortRequest("bucket", "k", "u")));

        var result = await _services.RetryLedger!.DrainAsync(_services.Begin(null, CancellationToken.None));

        // Settled per upload (as an SQS record is): the transient failure is re-queued as attempt 1, not redelivered.
        result.Kept.Should().Be(0);
        result.Counts[AbortOutcome.Requeued].Should().Be(1);
        _ledger.Bodies.Should().ContainSingle().Which.Should().Contain("\"attempt\":1");
    }

    [Fact]
    public async Task Drain_PoisonEntry_GoesToTheDeadLetterQueueWithItsReason_AndLeavesTheLedger()
    {
        await Enqueue("{\"bucket\": \"bucket\"}");

        var result = await _services.RetryLedger!.DrainAsync(_services.Begin(null, CancellationToken.None));

        result.Settled.Should().Be(1);
        _ledger.Bodies.Should().BeEmpty();
        _deadLetters.Sent.Should().ContainSingle().Which.Body.Should().Contain("key is missing");
    }

    private sealed class BuggyStore : ScriptedObjectStore
    {
        public override Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken) => throw new InvalidOperationException("a bug in the store adapter");
    }

    [Fact]
    public async Task Drain_EntryThatNeverSettles_IsWrittenAgainWithItsRunsCounted_AndDeadLetteredAfterMaxAttempts()
    {
        // Issue 22 defect 5: an entry whose run could not be settled was left as it was, so every drain ran it again,
        // forever (SQS has maxReceiveCount; the ledger had no cap).
        var store = new BuggyStore();
        store.Add("bucket", "k", "u");
        var services = FunctionServices.Create(new Settings { MaxAttempts = 3, SweepConcurrency = 1 }, store, new QueuePair(_ledger, _deadLetters), TextWriter.Null, null, _time);
        await Enqueue(MessageJson.AbortRequest(new AbortRequest("bucket", "k", "u")));

        var drains = new List<RetryLedgerDrainResult>();
        for (var i = 0; i < 5; i++)
        {
            drains.Add(await services.RetryLedger!.DrainAsync(services.Begin(null, CancellationToken.None)));
            if (i < 2)
                _ledger.Names.Should().ContainSingle().Which.Should().EndWith($"-r{i + 1}", "written again with its run counted");
            _time.Advance(TimeSpan.FromHours(1));
        }

        // A late drain finds the rewritten entry due at once and defers it (one run of an upload per drain).
        drains.Select(d => $"{d.Kept} kept, {d.DeadLettered} dead-lettered").Should().Equal("1 kept, 0 dead-lettered", "1 kept, 0 dead-lettered", "0 kept, 1 dead-lettered", "0 kept, 0 dead-lettered", "0 kept, 0 dead-lettered");
        drains.Skip(3).Should().OnlyContain(d => d.Due == 0, "nothing is left to run");
        _ledger.Bodies.Should().BeEmpty();
        var dead = _deadLetters.Sent.Should().ContainSingle().Subject.Body;
        using var poison = System.Text.Json.JsonDocument.Parse(dead);
        poison.RootElement.GetProperty("reason").GetString().Should().Contain("ran it 3 times");
        poison.RootElement.GetProperty("body").GetString().Should().Contain("\"uploadId\":\"u\"", "the request is kept to be fed back");
    }
}
