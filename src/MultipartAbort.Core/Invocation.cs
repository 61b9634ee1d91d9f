using MultipartAbort.Core.Ports;
using MultipartAbort.Core.Sweep;

namespace MultipartAbort.Core;

/// <summary>Who asked for the work: an event may only make a sweep more careful; an operator may pass the floors on purpose.</summary>
public enum Asker
{
    Event,
    Operator,
}

/// <summary>
/// One unit of work, built once at a host's edge: the deadline budget, the queues its re-queues go to, the operator's
/// stop, a progress sink and who asked. At the soft deadline (<see cref="Reserve"/> before it) no new work starts; at
/// the work cut-off, half the reserve later, store calls are cancelled so no SDK retry outlives it; the rest
/// (<see cref="Settle"/>) re-queues and answers.
/// </summary>
public sealed class Invocation : IDisposable
{
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource? _cutoff;
    private readonly CancellationTokenSource? _linked;

    public Invocation(TimeProvider time, TimeSpan reserve, DateTimeOffset? deadline, QueuePair queues, CancellationToken ct)
    {
        _time = time;
        Reserve = reserve;
        Deadline = deadline;
        Queues = queues;
        Settle = ct;
        Work = ct;
        if (deadline is { } end)
        {
            var untilCutoff = end - time.GetUtcNow() - reserve / 2;
            _cutoff = untilCutoff > TimeSpan.Zero ? new CancellationTokenSource(untilCutoff, time) : new CancellationTokenSource();
            if (untilCutoff <= TimeSpan.Zero)
                _cutoff.Cancel();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cutoff.Token);
            Work = _linked.Token;
        }
    }

    /// <summary>A copy sharing this one's tokens (it owns nothing to dispose).</summary>
    private Invocation(Invocation of, QueuePair queues, IProgress<SweepProgress>? progress)
    {
        _time = of._time;
        Reserve = of.Reserve;
        Deadline = of.Deadline;
        Settle = of.Settle;
        Work = of.Work;
        Stop = of.Stop;
        Asker = of.Asker;
        AllowYoung = of.AllowYoung;
        IsLedgerEntry = of.IsLedgerEntry;
        Queues = queues;
        Progress = progress;
    }

    public DateTimeOffset? Deadline { get; }

    /// <summary>How long before the deadline new work stops being taken.</summary>
    public TimeSpan Reserve { get; }

    /// <summary>Store calls run under this token: it fires at the work cut-off, half the reserve before the deadline.</summary>
    public CancellationToken Work { get; }

    /// <summary>Re-queues, dead-letters and continuations run under this token: the host's own, up to the deadline.</summary>
    public CancellationToken Settle { get; }

    /// <summary>Where re-queues and dead letters go (a ledger entry's count from its due time).</summary>
    public QueuePair Queues { get; }

    /// <summary>The operator's stop (Ctrl+C once): no new upload is taken, those in flight finish.</summary>
    public CancellationToken Stop { get; init; }

    public IProgress<SweepProgress>? Progress { get; init; }

    public Asker Asker { get; init; }

    /// <summary>The operator passed <c>--allow-young</c>: a sweep may go below SWEEP_MIN_AGE.</summary>
    public bool AllowYoung { get; init; }

    /// <summary>Work taken from the retry ledger never drains the ledger it came from.</summary>
    internal bool IsLedgerEntry { get; private init; }

    public TimeSpan? Remaining => Deadline is { } end ? end - _time.GetUtcNow() : null;

    /// <summary>True once no new upload, record or page should be started.</summary>
    public bool StopTaking => Work.IsCancellationRequested || (Remaining is { } left && left < Reserve);

    /// <summary>A share that stops taking work at <paramref name="stopTakingAt"/>, its store calls cut half a reserve later. Null: all of it.</summary>
    public Invocation Until(DateTimeOffset? stopTakingAt)
    {
        if (stopTakingAt is not { } stop || Deadline is not { } deadline)
            return new Invocation(this, Queues, Progress);
        return new Invocation(_time, Reserve, stop + Reserve < deadline ? stop + Reserve : deadline, Queues, Settle)
        {
            Stop = Stop,
            Progress = Progress,
            Asker = Asker,
            AllowYoung = AllowYoung,
            IsLedgerEntry = IsLedgerEntry,
        };
    }

    /// <summary>The same invocation reporting its progress to <paramref name="progress"/>.</summary>
    internal Invocation Reporting(IProgress<SweepProgress>? progress) => new(this, Queues, progress);

    /// <summary>The same invocation running one retry ledger entry, whose re-queues go to <paramref name="queues"/>.</summary>
    internal Invocation ForLedgerEntry(QueuePair queues) => new(this, queues, Progress) { IsLedgerEntry = true };

    public void Dispose()
    {
        _linked?.Dispose();
        _cutoff?.Dispose();
    }
}
