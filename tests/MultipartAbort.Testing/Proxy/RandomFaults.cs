namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// A store under load, at random: a share of requests answered 503 SlowDown or 500 InternalError (half each, from a
/// seeded generator, so a run is repeatable up to scheduling), and every ninth new connection reset on its first
/// request. Counts what it did, for the report.
/// </summary>
public sealed class RandomFaults(int seed, double faultRate = 0.2) : ProxyBehaviour
{
    private readonly Random _random = new(seed);
    private readonly HashSet<string> _connections = [];
    private int _forwarded, _slowDowns, _internalErrors, _resets;

    public int Forwarded => Volatile.Read(ref _forwarded);
    public int SlowDowns => Volatile.Read(ref _slowDowns);
    public int InternalErrors => Volatile.Read(ref _internalErrors);
    public int Resets => Volatile.Read(ref _resets);

    public override string ToString() => $"forwarded {Forwarded}, 503 SlowDown {SlowDowns}, 500 InternalError {InternalErrors}, connections reset {Resets}";

    public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        bool reset;
        double roll;
        lock (_random)
        {
            reset = _connections.Add(exchange.Context.Connection.Id) && _connections.Count % 9 == 0;
            roll = _random.NextDouble();
        }
        if (reset)
        {
            Interlocked.Increment(ref _resets);
            await exchange.AnswerFaultAsync(InjectedFault.ConnectionReset);
        }
        else if (roll < faultRate / 2)
        {
            Interlocked.Increment(ref _slowDowns);
            await exchange.AnswerFaultAsync(InjectedFault.SlowDown);
        }
        else if (roll < faultRate)
        {
            Interlocked.Increment(ref _internalErrors);
            await exchange.AnswerFaultAsync(InjectedFault.InternalError);
        }
        else
        {
            Interlocked.Increment(ref _forwarded);
            await next();
        }
    }
}
