
namespace MultipartAbort.Core.Deadline;

/// <summary>
/// How one invocation spends its time (docs/events.md, "Guarantees": an answer before the deadline). Three
/// moments: at the soft deadline (<see cref="Reserve"/> before the host's deadline) no new work is taken; at the work
/// cut-off (half the reserve before it) store calls still in flight are cancelled, so no SDK retry loop outlives the
/// invocation; what is left (the host's token, <see cref="Settle"/>) is for re-queuing what was not done and answering.
/// </summary>
public sealed class InvocationBudget : IDisposable
{
    private readonly InvocationContext _context;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource? _cutoff;
    private readonly CancellationTokenSource? _linked;

    public InvocationBudget(InvocationContext context, TimeProvider time, TimeSpan reserve, CancellationToken ct)
    {
        _context = context;
        _time = time;
        Reserve = reserve;
        Settle = ct;
        if (context.Remaining(time) is { } left)
        {
            var untilCutoff = left - reserve / 2;
            _cutoff = untilCutoff > TimeSpan.Zero ? new CancellationTokenSource(untilCutoff, time) : new CancellationTokenSource();
            if (untilCutoff <= TimeSpan.Zero)
                _cutoff.Cancel();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cutoff.Token);
            Work = _linked.Token;
        }
        else
        {
            Work = ct;
        }
    }

    /// <summary>A budget with no deadline (the CLI, tests): only <paramref name="ct"/> ends the work.</summary>
    public static InvocationBudget Unbounded(CancellationToken ct) => new(InvocationContext.Unbounded, TimeProvider.System, TimeSpan.Zero, ct);

    /// <summary>How long before the deadline new work stops being taken.</summary>
    public TimeSpan Reserve { get; }

    /// <summary>Store calls run under this token: it fires at the work cut-off, half the reserve before the deadline.</summary>
    public CancellationToken Work { get; }

    /// <summary>Re-queues, dead-letters and continuations run under this token: the host's own, up to the deadline.</summary>
    public CancellationToken Settle { get; }

    public TimeSpan? Remaining => _context.Remaining(_time);

    /// <summary>
    /// A share of this invocation that stops taking new work at <paramref name="stopTakingAt"/> (never later than this
    /// budget does); its store calls are cut half a reserve after that, so work already taken can finish. Null: all of it.
    /// </summary>
    public InvocationContext Until(DateTimeOffset? stopTakingAt)
    {
        if (stopTakingAt is not { } stop || _context.Deadline is not { } deadline)
            return _context;
        return new InvocationContext(stop + Reserve < deadline ? stop + Reserve : deadline);
    }

    /// <summary>True once no new upload, record or page should be started.</summary>
    public bool StopTaking => Work.IsCancellationRequested || (Remaining is { } left && left < Reserve);

    public void Dispose()
    {
        _linked?.Dispose();
        _cutoff?.Dispose();
    }
}
