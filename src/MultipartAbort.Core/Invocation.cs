namespace MultipartAbort.Core;

/// <summary>An event may only make a sweep more careful; an operator may pass the floors on purpose.</summary>
public enum Asker
{
    Event,
    Operator,
}

/// <summary>
/// One unit of work, built once at a host's edge. At the soft deadline (Reserve before it) no new work starts; at the
/// work cut-off, half the reserve later, store calls are cancelled so no SDK retry outlives it; Settle re-queues and answers.
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
        Queues = queues;
        Settle = ct;
        Deadline = deadline;
        Work = ct;
        if (deadline is not { } end)
            return;
        // Cancelled half a reserve before the deadline, or with the host's token.
        var untilCutoff = end - time.GetUtcNow() - reserve / 2;
        _cutoff = untilCutoff > TimeSpan.Zero ? new CancellationTokenSource(untilCutoff, time) : new CancellationTokenSource();
        if (untilCutoff <= TimeSpan.Zero)
            _cutoff.Cancel();
        _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cutoff.Token);
        Work = _linked.Token;
    }

    // A new deadline arms its own cut-off; without one the parent's holds.
    private Invocation(Invocation of, QueuePair queues, IProgress<SweepProgress>? progress, DateTimeOffset? deadline = null)
        : this(of._time, of.Reserve, deadline, queues, of.Settle)
    {
        Stop = of.Stop;
        Asker = of.Asker;
        AllowYoung = of.AllowYoung;
        IsLedgerEntry = of.IsLedgerEntry;
        Progress = progress;
        if (deadline is not null)
            return;
        Deadline = of.Deadline;
        Work = of.Work;
    }

    public DateTimeOffset? Deadline { get; }

    public TimeSpan Reserve { get; }

    public CancellationToken Work { get; }

    // The host's own token, up to the deadline.
    public CancellationToken Settle { get; }

    public QueuePair Queues { get; }

    // Ctrl+C once: no new upload is taken, those in flight finish.
    public CancellationToken Stop { get; init; }

    public IProgress<SweepProgress>? Progress { get; init; }

    public Asker Asker { get; init; }

    // --allow-young: the operator lets a sweep go below SWEEP_MIN_AGE.
    public bool AllowYoung { get; init; }

    internal bool IsLedgerEntry { get; private init; }

    public TimeSpan? Remaining => Deadline is { } end ? end - _time.GetUtcNow() : null;

    public bool StopTaking => Work.IsCancellationRequested || (Remaining is { } left && left < Reserve);

    // Store calls cut half a reserve after stopTakingAt. Null: all of it.
    public Invocation Until(DateTimeOffset? stopTakingAt) =>
        stopTakingAt is { } stop && Deadline is { } deadline
            ? new Invocation(this, Queues, Progress, stop + Reserve < deadline ? stop + Reserve : deadline)
            : new Invocation(this, Queues, Progress);

    internal Invocation Reporting(IProgress<SweepProgress>? progress) => new(this, Queues, progress);

    // What it runs arrived as an event, so an event's floors hold whoever drains.
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
