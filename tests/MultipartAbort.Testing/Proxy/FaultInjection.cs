namespace MultipartAbort.Testing.Proxy;

/// <summary>
/// Fails the requests its rules pick (503, SlowDown, 500 or a reset connection) before they reach the store: the
/// store a function sees when a region has a bad moment. The first rule that takes a request decides.
/// </summary>
public sealed class FaultInjection : ProxyBehaviour
{
    private readonly List<FaultRule> _rules = [];
    private int _injected;

    /// <summary>How many requests got an injected fault.</summary>
    public int Injected => Volatile.Read(ref _injected);

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_rules)
                return _rules.ToArray();
        }
    }

    public FaultInjection Add(FaultRule rule)
    {
        lock (_rules)
            _rules.Add(rule);
        return this;
    }

    /// <summary>Every request to <paramref name="bucket"/> fails.</summary>
    public FaultInjection FailBucket(string bucket, InjectedFault fault = InjectedFault.ServiceUnavailable) => Add(new FaultRule(fault, e => e.Bucket == bucket));

    /// <summary>Every request that is <paramref name="operation"/> (<see cref="S3Exchange.Operation"/>) is refused: credentials without its permission.</summary>
    public FaultInjection Refuse(string operation, InjectedFault fault = InjectedFault.AccessDenied) => Add(new FaultRule(fault, e => e.Operation == operation));

    public override async Task HandleAsync(S3Exchange exchange, Func<Task> next)
    {
        var rule = Rules.FirstOrDefault(r => r.Takes(exchange));
        if (rule is null)
        {
            await next();
            return;
        }
        Interlocked.Increment(ref _injected);
        await exchange.AnswerFaultAsync(rule.Fault);
    }
}
