namespace MultipartAbort.Core.Concurrency;

/// <summary>
/// A run's concurrency limit by AIMD (as TCP Reno, Netflix's <c>AIMDLimit</c>) with slow start and a latency guard.
/// Windows count ended leases (<c>max(limit, MinWindow)</c>), or requests while no lease is out: no clock, deterministic.
/// Slow start doubles a used limit per clean window until the first trouble, then +1. A mean latency above
/// <c>LatencyTolerance</c> x baseline (and <c>QueueAllowance</c> over it) is queueing (Little's law): shrink. A drop cuts
/// by <c>DropBackoff</c>, ignoring drops of leases already out. Not thread-safe: <see cref="StoreCallLimiter"/> locks.
/// </summary>
internal sealed class AdaptiveLimit
{
    public const int DefaultCeiling = 256;

    public int Floor { get; init; } = 1;
    public int Ceiling { get; init; } = DefaultCeiling;
    public int MinWindow { get; init; } = 4;
    // Four: behind network latency throughput keeps growing past twice the unloaded latency; SlowDown cuts regardless.
    public double LatencyTolerance { get; init; } = 4.0;

    // Next to the store (1-3 ms a request) four times the baseline is a few ms, and throughput still grows well past it.
    public TimeSpan QueueAllowance { get; init; } = TimeSpan.FromMilliseconds(50);

    // Clean windows at (or one below) the last refused limit before it grows: each refusal costs a retry.
    public int PlateauWindows { get; init; } = 4;
    public double LatencyBackoff { get; init; } = 0.9;
    public double DropBackoff { get; init; } = 0.5;

    // The share of the limit in flight during a window for it to grow (Netflix's AIMDLimit: half).
    public double UtilizationToGrow { get; init; } = 0.5;

    private int _limit;
    private bool _slowStart = true;
    private int _windowSamples, _windowReleases, _windowMaxInFlight, _ignoreDropsFor, _limitAfterCut, _refusedAt, _plateau;
    private bool _leases;
    private double _windowLatencySum;
    private double _bestLatency = double.MaxValue;
    private int _bestLimit;

    public AdaptiveLimit(int initial = 1) => _limit = initial;

    public int Limit => Math.Clamp(_limit, Floor, Ceiling);

    // The highest clean-window limit in this AIMD cycle or the last, so a cut does not hide the top.
    public int Settled => Math.Max(_cleanThisCycle, _cleanLastCycle) is > 0 and var best ? best : Limit;

    private int _cleanThisCycle, _cleanLastCycle;

    public int Drops { get; private set; }

    // inFlight: uploads or requests, whichever is more; leased: once leases have ended, lease ends count the window.
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

    // A lease ended (an upload is done): the unit a window and the drop guard count in.
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

    // A request refused for load (SlowDown, throttling) or timed out.
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
