namespace MultipartAbort.Testing;

/// <summary>
/// Moves a <see cref="ManualClock"/> for code started with <see cref="Run{T}"/> whose calls wait on the clock's timers
/// (<see cref="SlowObjectStore"/>): whenever some call waits and none of that code runs or is queued to run, the clock
/// moves to the next timer due. Calls that run side by side thus overlap in time, as they do on a real store, and no
/// caller can run the clock ahead of one the machine has not scheduled yet: the outcome depends on the timers, not on
/// which thread ran first or how loaded the machine is.
/// </summary>
/// <remarks>
/// "None of that code runs" is counted exactly: the flow carries an <see cref="AsyncLocal{T}"/>, and the runtime
/// reports every thread that takes it on or drops it. "Queued" is the thread pool's queue; the instant between a
/// thread taking an item off it and taking on the flow is narrowed by looking twice, a millisecond apart, and
/// requiring that no thread took on or dropped the flow in between. A thread descheduled in exactly that instant can
/// still let the clock take one step early while other calls wait; it cannot move it past a cut-off, because a call
/// stops counting as waiting the instant it is cancelled (<see cref="SlowObjectStore"/>).
/// </remarks>
public sealed class ClockDriver : IDisposable
{
    private readonly ManualClock _clock;
    private readonly Func<bool> _waiting;
    private readonly AsyncLocal<ClockDriver?> _flow;
    private readonly Thread _thread;
    private volatile bool _stop;
    private int _running;
    private int _changes;

    public ClockDriver(ManualClock clock, Func<bool> waiting)
    {
        _clock = clock;
        _waiting = waiting;
        _flow = new AsyncLocal<ClockDriver?>(OnFlowChanged);
        _thread = new Thread(Drive) { IsBackground = true, Name = "clock driver" };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool, inside the flow this driver watches.</summary>
    public Task<T> Run<T>(Func<Task<T>> work) =>
        Task.Run(() =>
        {
            _flow.Value = this;
            return work();
        });

    private void OnFlowChanged(AsyncLocalValueChangedArgs<ClockDriver?> change)
    {
        if (change.PreviousValue is null && change.CurrentValue is not null)
            Interlocked.Increment(ref _running);
        else if (change.PreviousValue is not null && change.CurrentValue is null)
            Interlocked.Decrement(ref _running);
        Interlocked.Increment(ref _changes);
    }

    private void Drive()
    {
        while (!_stop)
        {
            if (_waiting() && Quiet())
                _clock.AdvanceToNextTimer();
            else
                Thread.Sleep(1);
        }
    }

    private bool Quiet()
    {
        var changes = Volatile.Read(ref _changes);
        if (!Idle())
            return false;
        Thread.Sleep(1);
        return Idle() && Volatile.Read(ref _changes) == changes;
    }

    private bool Idle() => Volatile.Read(ref _running) == 0 && ThreadPool.PendingWorkItemCount == 0;

    public void Dispose()
    {
        _stop = true;
        if (Thread.CurrentThread != _thread)
            _thread.Join();
    }
}
