namespace MultipartAbort.Core.Concurrency;

/// <summary>
/// A run's concurrency limit by AIMD (as TCP Reno, Netflix's <c>AIMDLimit</c>) with slow start and a latency guard.
/// <list type="bullet">
/// <item>Windows count ended leases (<c>max(limit, MinWindow)</c>), not time or requests: no clock, deterministic, and a
/// cut is judged only after it could act. While no lease is out (a listing, a report) a window counts requests.</item>
/// <item>Slow start doubles per clean window until the first trouble, then +1; only a used limit
/// (<c>UtilizationToGrow</c>) grows.</item>
/// <item>Latency holding stands in for throughput growing (Little's law). A mean above <c>LatencyTolerance</c> x baseline
/// and more than <c>QueueAllowance</c> above it is queueing: shrink by <c>LatencyBackoff</c>. The baseline drifts up only
/// from windows at or below its limit, else the limit would creep up on a saturated store.</item>
/// <item>A drop (SlowDown, throttling, timeout) cuts by <c>DropBackoff</c>; drops of leases already in flight are
/// ignored until that many leases end, unless the limit grew past the cut. Back near the refused limit it grows once
/// every <c>PlateauWindows</c> windows.</item>
/// </list>
/// Not thread-safe: <see cref="StoreCallLimiter"/> calls it under its lock.
/// </summary>
internal sealed class AdaptiveLimit
{
    public const int DefaultCeiling = 256;

    public int Floor { get; init; } = 1;
    public int Ceiling { get; init; } = DefaultCeiling;
    public int MinWindow { get; init; } = 4;
    /// <summary>
    /// How far above the baseline a mean may go before it is queueing. Four: behind network latency throughput keeps
    /// growing past twice the unloaded latency; a hard knee is found anyway and SlowDown cuts regardless.
    /// </summary>
    public double LatencyTolerance { get; init; } = 4.0;

    /// <summary>
    /// Queueing this small is no overload whatever the ratio: next to the store (1-3 ms a request) four times the baseline
    /// is a few ms, and the store still gains throughput well past it. A batch sweep does not mind 50 ms more a request.
    /// </summary>
    public TimeSpan QueueAllowance { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Clean windows the last refused limit, or one below it, waits before it grows: each refusal costs requests and
    /// a retry, so the sawtooth spends its time just below the store's limit and touches it less often.
    /// </summary>
    public int PlateauWindows { get; init; } = 4;
    public double LatencyBackoff { get; init; } = 0.9;
    public double DropBackoff { get; init; } = 0.5;

    /// <summary>The share of the limit that must have been in flight during a window for it to grow (Netflix's AIMDLimit: half).</summary>
    public double UtilizationToGrow { get; init; } = 0.5;

    private int _limit;
    private bool _slowStart = true;
    private int _windowSamples, _windowReleases, _windowMaxInFlight, _ignoreDropsFor, _limitAfterCut, _refusedAt, _plateau;
    private bool _leases;
    private double _windowLatencySum;
    private double _bestLatency = double.MaxValue;
    private int _bestLimit;

    public AdaptiveLimit(int initial = 1) => _limit = initial;

    /// <summary>Requests allowed in flight now.</summary>
    public int Limit => Math.Clamp(_limit, Floor, Ceiling);

    /// <summary>
    /// Where the run settled: the highest clean-window limit in this AIMD cycle or the last, so a cut does not hide the top.
    /// </summary>
    public int Settled => Math.Max(_cleanThisCycle, _cleanLastCycle) is > 0 and var best ? best : Limit;

    private int _cleanThisCycle, _cleanLastCycle;

    /// <summary>Windows that cut the limit for a drop; for tests and the summary.</summary>
    public int Drops { get; private set; }

    /// <summary>
    /// A request that succeeded after <paramref name="latency"/> with <paramref name="inFlight"/> in flight (uploads or
    /// requests, whichever is more). <paramref name="leased"/>: an upload's lease is out, so once leases have ended, lease
    /// ends count the window.
    /// </summary>
    public void OnSuccess(TimeSpan latency, int inFlight, bool leased = false)
    {
        _windowSamples++;
        _windowLatencySum += latency.TotalMilliseconds;
        _windowMaxInFlight = Math.Max(_windowMaxInFlight, inFlight);
        if (_leases && leased)
            return;
        if (_ignoreDropsFor > 0)
            _ignoreDropsFor--;
        if (_windowSamples >= WindowSize)
            EndWindow();
    }

    /// <summary>A lease ended (an upload is done, whatever requests it made): the unit a window and the drop guard count in.</summary>
    public void OnRelease()
    {
        _leases = true;
        _windowReleases++;
        if (_ignoreDropsFor > 0)
            _ignoreDropsFor--;
        if (_windowReleases >= WindowSize && _windowSamples > 0)
            EndWindow();
    }

    private int WindowSize => Math.Max(Limit, MinWindow);

    private void EndWindow()
    {
        var mean = _windowLatencySum / _windowSamples;
        if (mean <= _bestLatency)
            (_bestLatency, _bestLimit) = (mean, Limit);
        else if (Limit <= _bestLimit)
            // No busier than the baseline's window, yet slower: the store itself answers slower now (1/16 a window).
            _bestLatency += (mean - _bestLatency) / 16;
        if (mean > Math.Max(LatencyTolerance * _bestLatency, _bestLatency + QueueAllowance.TotalMilliseconds))
        {
            _slowStart = false;
            EndCycle();
            _limit = Math.Max(Floor, Math.Min(Limit - 1, (int)(Limit * LatencyBackoff)));
        }
        else
        {
            _cleanThisCycle = Math.Max(_cleanThisCycle, Limit);
            if (_windowMaxInFlight >= Limit * UtilizationToGrow && !OnPlateau())
                _limit = Math.Min(Ceiling, _slowStart ? Limit * 2 : Limit + 1);
            // Past the refused limit the store took more: that refusal no longer marks a plateau.
            if (Limit > _refusedAt)
                _refusedAt = 0;
        }
        StartWindow();
    }

    private bool OnPlateau() => _refusedAt - Limit is 0 or 1 && ++_plateau % PlateauWindows != 0;

    /// <summary>A request the store refused for load (SlowDown, throttling) or that timed out; <paramref name="leased"/> as in <see cref="OnSuccess"/>.</summary>
    public void OnDrop(bool leased = false)
    {
        // Drops of requests sent before the cut say nothing new; once the limit has grown past the cut, a drop does.
        if (_ignoreDropsFor > 0 && Limit <= _limitAfterCut)
        {
            // A refused request is sent again within its lease, so the guard counts leases.
            if (!(_leases && leased))
                _ignoreDropsFor--;
            return;
        }
        _slowStart = false;
        Drops++;
        _refusedAt = Limit;
        _plateau = 0;
        _ignoreDropsFor = Limit;
        EndCycle();
        _limit = _limitAfterCut = Math.Max(Floor, (int)(Limit * DropBackoff));
        StartWindow();
    }

    private void EndCycle()
    {
        _cleanLastCycle = _cleanThisCycle;
        _cleanThisCycle = 0;
    }

    private void StartWindow()
    {
        _windowSamples = 0;
        _windowReleases = 0;
        _windowMaxInFlight = 0;
        _windowLatencySum = 0;
    }
}
