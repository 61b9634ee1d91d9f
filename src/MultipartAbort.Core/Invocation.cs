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
        (_time, Reserve, Queues, Settle) = (time, reserve, queues, ct);
        (Deadline, Work, _cutoff, _linked) = Arm(deadline);
    }

    /// <summary>A copy of <paramref name="of"/>; with <paramref name="deadline"/>, one with its own (earlier) deadline and cut-off.</summary>
    private Invocation(Invocation of, QueuePair queues, IProgress<SweepProgress>? progress, DateTimeOffset? deadline = null)
    {
        (_time, Reserve, Settle, Stop, Asker, AllowYoung, IsLedgerEntry) = (of._time, of.Reserve, of.Settle, of.Stop, of.Asker, of.AllowYoung, of.IsLedgerEntry);
        (Queues, Progress) = (queues, progress);
        (Deadline, Work, _cutoff, _linked) = deadline is null ? (of.Deadline, of.Work, null, null) : Arm(deadline);
    }

    /// <summary>The work token for <paramref name="deadline"/>: cancelled half a reserve before it, or with the host's token.</summary>
    private (DateTimeOffset?, CancellationToken, CancellationTokenSource?, CancellationTokenSource?) Arm(DateTimeOffset? deadline)
    {
        if (deadline is not { } end)
            return (null, Settle, null, null);
        var untilCutoff = end - _time.GetUtcNow() - Reserve / 2;
        var cutoff = untilCutoff > TimeSpan.Zero ? new CancellationTokenSource(untilCutoff, _time) : new CancellationTokenSource();
        if (untilCutoff <= TimeSpan.Zero)
            cutoff.Cancel();
        var linked = CancellationTokenSource.CreateLinkedTokenSource(Settle, cutoff.Token);
        return (end, linked.Token, cutoff, linked);
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
    public Invocation Until(DateTimeOffset? stopTakingAt) =>
        stopTakingAt is { } stop && Deadline is { } deadline
            ? new Invocation(this, Queues, Progress, stop + Reserve < deadline ? stop + Reserve : deadline)
            : new Invocation(this, Queues, Progress);

    /// <summary>The same invocation reporting its progress to <paramref name="progress"/>.</summary>
    internal Invocation Reporting(IProgress<SweepProgress>? progress) => new(this, Queues, progress);

    /// <summary>
    /// The same invocation running one retry ledger entry, whose re-queues go to <paramref name="queues"/>.
    /// What it runs arrived as an event, so an event's floors hold whoever drains (mpa drain is an operator).
    /// </summary>
    internal Invocation ForLedgerEntry(QueuePair queues) =>
        new(this, queues, Progress)
        {
            IsLedgerEntry = true,
            Asker = Asker.Event,
            AllowYoung = false,
        };

    public void Dispose()
    {
        _linked?.Dispose();
        _cutoff?.Dispose();
    }
}
