namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// When a <see cref="FaultInjection"/> fails a request: it matches <see cref="When"/>, the rule has injected fewer
/// than <see cref="Times"/> faults, and (with a <see cref="Rate"/> below 1) a random draw from a seeded generator
/// says so, which gives the same sequence on every run for the same order of requests.
/// </summary>
public sealed class FaultRule(InjectedFault fault, Func<S3Exchange, bool> when)
{
    private readonly object _gate = new();
    private Random _random = new(0);
    private int _injected;

    public InjectedFault Fault { get; } = fault;
    public Func<S3Exchange, bool> When { get; } = when;

    /// <summary>At most this many faults; null for no limit.</summary>
    public int? Times { get; init; }

    /// <summary>The share of matching requests that fail, from 0 to 1.</summary>
    public double Rate { get; init; } = 1.0;

    public int Seed
    {
        init => _random = new Random(value);
    }

    public int Injected => Volatile.Read(ref _injected);

    internal bool Takes(S3Exchange exchange)
    {
        if (!When(exchange))
            return false;
        lock (_gate)
        {
            if (Times is { } max && _injected >= max)
                return false;
            if (Rate < 1.0 && _random.NextDouble() >= Rate)
                return false;
            _injected++;
            return true;
        }
    }
}
