namespace MultipartAbort.Testing;

/// <summary>
/// A clock that moves one <paramref name="step"/> (a minute unless given) each time it is read, so a deadline arrives
/// part-way through a sweep after a known number of reads, whatever the machine's speed.
/// </summary>
public sealed class TickingClock(DateTimeOffset start, TimeSpan? step = null) : TimeProvider
{
    private readonly TimeSpan _step = step ?? TimeSpan.FromMinutes(1);
    private long _ticks;

    public DateTimeOffset Start => start;

    public override DateTimeOffset GetUtcNow() => start + _step * (Interlocked.Increment(ref _ticks) - 1);
}
