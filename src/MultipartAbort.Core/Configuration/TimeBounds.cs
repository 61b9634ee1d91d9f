namespace MultipartAbort.Core.Configuration;

/// <summary>Bounds on durations and times; the one place a time moves by a duration, so none leaves the calendar.</summary>
public static class TimeBounds
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36500);

    // No multipart upload, timer or ledger entry is older.
    public static readonly TimeSpan MaxPast = TimeSpan.FromDays(36525);

    // S3 refuses requests skewed by more (RequestTimeTooSkewed).
    public static readonly TimeSpan StartSkew = TimeSpan.FromMinutes(15);

    // Held at the ends of the calendar instead of throwing.
    public static DateTimeOffset Add(DateTimeOffset at, TimeSpan by)
    {
        var ticks = at.UtcTicks;
        if (by > TimeSpan.Zero && ticks > DateTimeOffset.MaxValue.UtcTicks - by.Ticks)
            return DateTimeOffset.MaxValue;
        if (by < TimeSpan.Zero && ticks < DateTimeOffset.MinValue.UtcTicks - by.Ticks)
            return DateTimeOffset.MinValue;
        return at.ToUniversalTime() + by;
    }

    public static string? Check(DateTimeOffset at, DateTimeOffset now, TimeSpan ahead)
    {
        if (at < Add(now, -MaxPast))
            return $"{Events.Rfc3339.Format(at)} lies more than 100 years back";
        if (at > Add(now, ahead))
            return $"{Events.Rfc3339.Format(at)} lies more than {IsoDuration.Format(ahead)} ahead of this clock ({Events.Rfc3339.Format(now)})";
        return null;
    }
}
