namespace MultipartAbort.Core.Report;

/// <summary>How counts, sizes and ages read in every human rendering.</summary>
public static class ReportUnits
{
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : $"{value.ToString("0.0", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    // 3d 4h, 5h 12m, 12m 3s.
    public static string Age(DateTimeOffset now, DateTimeOffset? at)
    {
        if (at is not { } t)
            return "?";
        var age = now - t;
        if (age < TimeSpan.Zero)
            return "0s";
        return age.TotalDays >= 1 ? $"{(int)age.TotalDays}d {age.Hours}h"
            : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h {age.Minutes}m"
            : $"{(int)age.TotalMinutes}m {age.Seconds}s";
    }
}
