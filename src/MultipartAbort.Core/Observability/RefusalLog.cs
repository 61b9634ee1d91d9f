namespace MultipartAbort.Core.Observability;

/// <summary>Refused callers, sampled so a flood cannot drive log cost: one Warning a minute with a count, the rest at Debug.</summary>
internal sealed class RefusalLog(StructuredLogger log, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private DateTimeOffset? _nextWarning;
    private long _sinceWarning;

    public void Refused(string message)
    {
        long since;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_nextWarning is { } next && now < next)
            {
                _sinceWarning++;
                since = -1;
            }
            else
            {
                since = _sinceWarning;
                _sinceWarning = 0;
                _nextWarning = Configuration.TimeBounds.Add(now, Interval);
            }
        }
        if (since < 0)
            log.Log(LogLevel.Debug, message);
        else
            log.Log(LogLevel.Warning, since == 0 ? message : $"{message} ({since} more refused since the last such warning, logged at Debug; at most one warning a minute)");
    }
}
