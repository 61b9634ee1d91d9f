using System.Text.RegularExpressions;

namespace MultipartAbort.Core.Events;

/// <summary>Wire times: RFC 3339 with an offset, written in UTC; event times also take Activity Tracker's <c>+0000</c>.</summary>
public static partial class Rfc3339
{
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"([+-][0-9]{2})([0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetWithoutColon();

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && Pattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }

    // CloudTrail: 2019-02-01T03:18:19Z; Activity Tracker: 2020-03-11T09:28:35.15+0000.
    public static bool TryParseEventTime(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var normalized = OffsetWithoutColon().Replace(text.Trim(), "$1:$2");
        return TryParse(normalized, out value);
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
