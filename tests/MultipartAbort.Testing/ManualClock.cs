namespace MultipartAbort.Testing;

/// <summary>
/// A clock that moves only when told (<see cref="Advance"/>, or a <see cref="ClockDriver"/> moving it from timer to
/// timer), with timers that fire as it passes their due time: for deadline tests without sleeping.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
            return _now;
    }

    public void Advance(TimeSpan by) => Move(now => now + by);

    /// <summary>Moves the clock to the earliest timer due, firing it; false when no timer is set.</summary>
    public bool AdvanceToNextTimer()
    {
        DateTimeOffset? next;
        lock (_lock)
            next = _timers.Select(t => t.Due).Min();
        if (next is not { } due)
            return false;
        Move(now => due > now ? due : now);
        return true;
    }

    private void Move(Func<DateTimeOffset, DateTimeOffset> next)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _now = next(_now);
            due = _timers.Where(t => t.Due is { } d && d <= _now).ToList();
            foreach (var t in due)
                t.Due = null;
        }
        foreach (var t in due)
            t.Fire();
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
            _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool fireNow;
            lock (clock._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                fireNow = Due is { } d && d <= clock._now;
                if (fireNow)
                    Due = null;
            }
            if (fireNow)
                Fire();
            return true;
        }

        public void Dispose()
        {
            lock (clock._lock)
                clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
