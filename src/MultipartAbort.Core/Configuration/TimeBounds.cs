namespace MultipartAbort.Core.Configuration;

/// <summary>
/// Bounds on durations and times, and the one place a time moves by a duration, so no arithmetic leaves the calendar.
/// </summary>
public static class TimeBounds
{
    /// <summary>The longest duration any field or setting takes: 100 years of days (P36500D).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36500);

    /// <summary>How far back a time may lie: no multipart upload, timer or ledger entry is older than this.</summary>
    public static readonly TimeSpan MaxPast = TimeSpan.FromDays(36525);

    /// <summary>How far ahead of this clock an upload's start may lie: S3 refuses requests skewed by more (RequestTimeTooSkewed).</summary>
    public static readonly TimeSpan StartSkew = TimeSpan.FromMinutes(15);

    /// <summary><paramref name="at"/> moved by <paramref name="by"/> (negative: back), held at the ends of the calendar instead of throwing.</summary>
    public static DateTimeOffset Add(DateTimeOffset at, TimeSpan by)
    {
        var ticks = at.UtcTicks;
        if (by > TimeSpan.Zero && ticks > DateTimeOffset.MaxValue.UtcTicks - by.Ticks)
            return DateTimeOffset.MaxValue;
        if (by < TimeSpan.Zero && ticks < DateTimeOffset.MinValue.UtcTicks - by.Ticks)
            return DateTimeOffset.MinValue;
        return at.ToUniversalTime() + by;
    }

    /// <summary>Null when <paramref name="at"/> lies within [now − 100 years, now + <paramref name="ahead"/>]; else what is wrong with it.</summary>
    public static string? Check(DateTimeOffset at, DateTimeOffset now, TimeSpan ahead)
    {
        if (at < Add(now, -MaxPast))
            return $"{Events.Rfc3339.Format(at)} lies more than 100 years back";
        if (at > Add(now, ahead))
            return $"{Events.Rfc3339.Format(at)} lies more than {IsoDuration.Format(ahead)} ahead of this clock ({Events.Rfc3339.Format(now)})";
        return null;
    }
}
