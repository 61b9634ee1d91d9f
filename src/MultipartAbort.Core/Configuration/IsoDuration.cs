using System.Text.RegularExpressions;

namespace MultipartAbort.Core.Configuration;

/// <summary>ISO-8601 durations of fixed length: weeks, days, hours, minutes, seconds (PT30S, P1D, P2W).</summary>
public static partial class IsoDuration
{
    [GeneratedRegex(
        @"^P(?:(?<w>[0-9]+)W)?(?:(?<d>[0-9]+)D)?(?:T(?:(?<h>[0-9]+)H)?(?:(?<m>[0-9]+)M)?(?:(?<s>[0-9]+(?:[.,][0-9]+)?)S)?)?$",
        RegexOptions.CultureInvariant
    )]
    private static partial Regex Pattern();

    // Years or months are valid ISO-8601 but of no fixed length: matched to be named in the error.
    [GeneratedRegex(@"^P(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?(?:T[0-9.,HMS]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CalendarPattern();

    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty; expected an ISO-8601 duration such as PT30S, PT15M or P1D";
            return false;
        }

        // [0-9], not \d, which takes any script's digits.
        var trimmed = text.Trim().ToUpperInvariant();
        var match = Pattern().Match(trimmed);
        if (!match.Success || trimmed == "P" || trimmed.EndsWith('T'))
        {
            var datePart = trimmed.Split('T')[0];
            error = CalendarPattern().IsMatch(trimmed) && (datePart.Contains('Y') || datePart.Contains('M'))
                ? $"'{text}' uses years or months, which have no fixed length; use days (P30D) instead"
                : $"'{text}' is not an ISO-8601 duration; expected something like PT30S, PT15M, P1D or P1DT12H";
            return false;
        }

        // Too many digits parse to infinity, which the bound refuses too.
        double Part(string name) =>
            match.Groups[name].Success
                ? double.Parse(match.Groups[name].Value.Replace(',', '.'), CultureInfo.InvariantCulture)
                : 0;
        var seconds =
            Part("w") * 7 * 86400 + Part("d") * 86400 + Part("h") * 3600 + Part("m") * 60 + Part("s");
        if (seconds > TimeBounds.MaxDuration.TotalSeconds)
        {
            error = $"'{text}' is too long a duration; the longest taken is P36500D (100 years)";
            return false;
        }
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException($"Duration {error}.");

    public static string Format(TimeSpan span)
    {
        if (span == TimeSpan.Zero)
            return "PT0S";
        var seconds = span.Seconds + span.Milliseconds / 1000.0;
        var time = string.Concat(Unit(span.Hours, "H"), Unit(span.Minutes, "M"), seconds > 0 ? seconds.ToString("0.###", CultureInfo.InvariantCulture) + "S" : "");
        return $"P{Unit(span.Days, "D")}{(time.Length > 0 ? "T" : "")}{time}";
    }

    private static string Unit(int count, string unit) => count > 0 ? count.ToString(CultureInfo.InvariantCulture) + unit : "";
}
