namespace MultipartAbort.Core.Observability;

/// <summary>
/// Refused callers (a bad or missing signature on a door that faces the internet) logged without letting a flood of
/// them drive log volume and cost: the first refusal is a Warning, then at most one Warning per <see cref="Interval"/>
/// for the whole process, saying how many were refused since; every other refusal is logged at Debug only.
/// </summary>
public sealed class RefusalLog(StructuredLogger log, TimeProvider time)
{
    /// <summary>At most one Warning line for refusals per this much time.</summary>
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
