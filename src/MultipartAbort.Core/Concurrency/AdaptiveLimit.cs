
namespace MultipartAbort.Core.Concurrency;

/// <summary>
/// The concurrency limit of a run, found by AIMD (additive increase, multiplicative decrease, as TCP Reno and
/// Netflix concurrency-limits' <c>AIMDLimit</c>), with TCP-style slow start and a latency guard:
/// <list type="bullet">
/// <item>Samples are judged in count-based windows of one round of leases: a window ends once <c>max(limit, MinWindow)</c>
/// leases have ended (<see cref="OnRelease"/>), however many requests each made, so the algorithm needs no clock and the
/// same samples always give the same limit. The limit counts leases (an upload holds one across its ListParts probe,
/// its abort and its verify): a window of requests would be a third of a round, so one overload read three times cut
/// the limit three times, and the cut, which only holds back new leases, would be judged before it could act. A round
/// of leases also holds every kind of request an upload makes, so the mean does not swing with the mix. Until a lease
/// has ended (a caller that takes none), a window is <c>max(limit, MinWindow)</c> requests.</item>
/// <item>Slow start doubles the limit after each clean window, until the first sign of trouble; after that it
/// grows by one per clean window. A window only grows the limit when the limit was used (at least
/// <c>UtilizationToGrow</c> of it in flight): an idle limit proves nothing.</item>
/// <item>Latency holding is the proxy for "throughput grows" (Little's law: more in flight at the same latency is
/// more per second). A window whose mean latency is above <c>LatencyTolerance</c> times the baseline means the
/// store is queueing: the limit shrinks by <c>LatencyBackoff</c>. The baseline is the best window mean seen, at the
/// limit it was seen at; it drifts up toward later windows only when they ran at that limit or below (so a store that
/// has become slower for good, or one lucky window, does not hold the limit down for ever), never toward windows
/// that ran busier: their latency is the queueing being judged, and following it would let the limit creep up
/// without bound on a saturated store.</item>
/// <item>A drop (503 SlowDown, throttling, a timeout) cuts the limit by <c>DropBackoff</c> at once. The requests
/// of the leases already in flight when it was cut may be dropped too and must not cut it again: drops are ignored
/// until as many leases have ended as were allowed before the cut (requests, for a caller that takes no lease),
/// unless the limit has grown past the cut since.</item>
/// </list>
/// Not thread-safe: <see cref="ConcurrencyLimiter"/> calls it under its lock.
/// </summary>
public sealed class AdaptiveLimit
{
    public const int DefaultCeiling = 256;

    public int Floor { get; init; } = 1;
    public int Ceiling { get; init; } = DefaultCeiling;
    public int MinWindow { get; init; } = 4;
    /// <summary>
    /// How far above the baseline a window's mean may go before it counts as queueing. Four, not two: behind 20 ms of
    /// network a store's throughput still grows well past twice its unloaded latency (moto at 20 ms: twice the baseline
    /// is ~12 in flight, 85% of the throughput of 32 or 64), while on a store with a hard knee any tolerance above one
    /// finds the plateau, and refusals (SlowDown) cut the limit whatever the latency.
    /// </summary>
    public double LatencyTolerance { get; init; } = 4.0;
    public double LatencyBackoff { get; init; } = 0.9;
    public double DropBackoff { get; init; } = 0.5;

    /// <summary>The share of the limit that must have been in flight during a window for it to grow (Netflix's AIMDLimit: half).</summary>
    public double UtilizationToGrow { get; init; } = 0.5;

    private int _limit;
    private bool _slowStart = true;
    private int _windowSamples, _windowReleases, _windowMaxInFlight, _ignoreDropsFor, _limitAfterCut;
    private bool _leases;
    private double _windowLatencySum;
    private double _bestLatency = double.MaxValue;
    private int _bestLimit;

    public AdaptiveLimit(int initial = 1) => _limit = initial;

    /// <summary>Requests allowed in flight now.</summary>
    public int Limit => Math.Clamp(_limit, Floor, Ceiling);

    /// <summary>
    /// Where the run settled: the highest limit that ran a clean window (no drop, latency held) in this AIMD cycle or
    /// the one before (a cycle ends at each cut), so the sawtooth's low half after a cut does not hide its top.
    /// </summary>
    public int Settled => Math.Max(_cleanThisCycle, _cleanLastCycle) is > 0 and var best ? best : Limit;

    private int _cleanThisCycle, _cleanLastCycle;

    /// <summary>Windows that cut the limit for a drop; for tests and the summary.</summary>
    public int Drops { get; private set; }

    /// <summary>A request that succeeded after <paramref name="latency"/>, with <paramref name="inFlight"/> requests in flight when it started.</summary>
    public void OnSuccess(TimeSpan latency, int inFlight)
    {
        _windowSamples++;
        _windowLatencySum += latency.TotalMilliseconds;
        _windowMaxInFlight = Math.Max(_windowMaxInFlight, inFlight);
        if (_leases)
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
        if (mean > LatencyTolerance * _bestLatency)
        {
            _slowStart = false;
            EndCycle();
            _limit = Math.Max(Floor, Math.Min(Limit - 1, (int)(Limit * LatencyBackoff)));
        }
        else
        {
            _cleanThisCycle = Math.Max(_cleanThisCycle, Limit);
            if (_windowMaxInFlight >= Limit * UtilizationToGrow)
                _limit = Math.Min(Ceiling, _slowStart ? Limit * 2 : Limit + 1);
        }
        StartWindow();
    }

    /// <summary>A request the store refused for load (SlowDown, throttling) or that timed out.</summary>
    public void OnDrop()
    {
        // Drops of requests sent before the cut say nothing new; once the limit has grown past the cut, a drop does.
        if (_ignoreDropsFor > 0 && Limit <= _limitAfterCut)
        {
            // With leases the guard counts leases that end, and a refused request is sent again within its lease.
            if (!_leases)
                _ignoreDropsFor--;
            return;
        }
        _slowStart = false;
        Drops++;
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
