
namespace MultipartAbort.Core.Deadline;

/// <summary>
/// How one invocation spends its time: at the soft deadline no new work; at the work cut-off (half the reserve later)
/// store calls are cancelled, so no SDK retry outlives it; the rest (<see cref="Settle"/>) re-queues and answers.
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
    /// A share that stops taking work at <paramref name="stopTakingAt"/>, its store calls cut half a reserve later. Null: all of it.
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
