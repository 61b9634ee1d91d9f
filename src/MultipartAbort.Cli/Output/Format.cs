namespace MultipartAbort.Cli.Output;

internal static class Format
{
    public static string Count(long n) => Core.Report.ReportUnits.Count(n);

    public static string Bytes(long bytes) => Core.Report.ReportUnits.Bytes(bytes);

    public static string Seconds(double seconds) =>
        seconds < 60
            ? $"{seconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
            : TimeSpan.FromSeconds(Math.Round(seconds)).ToString(seconds >= 3600 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset? at) => at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";

    public static string AgeSeconds(DateTimeOffset now, DateTimeOffset? at) =>
        at is { } t ? Math.Round((now - t).TotalSeconds).ToString(CultureInfo.InvariantCulture) : "";

    /// <summary>3d 4h, 5h 12m, 12m 3s.</summary>
    public static string Age(DateTimeOffset now, DateTimeOffset? at) => Core.Report.ReportUnits.Age(now, at);
}
