using System.Security.Cryptography;

namespace MultipartAbort.Adapters.Ledger;

// prefix/20260101T000030.000Z-0123456789abcdef.json: due first so key order is due order, then an identity hash so the
// same request for the same time is one object; reruns add .r2.
internal static class LedgerEntryName
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'.'fff'Z'";
    private const string Suffix = ".json";
    private static readonly int TimeLength = TimeFormat.Replace("'", "", StringComparison.Ordinal).Length;

    public static string Format(string prefix, DateTimeOffset due, string body, int runs = 0) =>
        $"{prefix}{due.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{IdentityHash(body)}{(runs > 0 ? $".r{runs.ToString(CultureInfo.InvariantCulture)}" : "")}{Suffix}";

    /// <summary>False for anything else under the prefix (left alone).</summary>
    public static bool TryParse(string prefix, string name, out DateTimeOffset due, out int runs)
    {
        due = default;
        runs = 0;
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal) || name.Length < prefix.Length + TimeLength + 1)
            return false;
        var time = name.AsSpan(prefix.Length, TimeLength);
        if (name[prefix.Length + TimeLength] != '-')
            return false;
        if (!DateTime.TryParseExact(time, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            return false;
        var rest = name.AsSpan(prefix.Length + TimeLength + 1, name.Length - prefix.Length - TimeLength - 1 - Suffix.Length);
        if (rest.IndexOf(".r") is var r and >= 0 && !int.TryParse(rest[(r + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out runs))
            return false;
        due = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        return true;
    }

    // An abort's identity is upload and attempt (its reason may differ between runs); anything else, its whole body.
    internal static string IdentityHash(string body)
    {
        var identity = RequestParser.ParseText(body) is UploadsPayload { Items: [{ Request: { } r }] }
            ? $"upload\n{r.Bucket}\n{r.Key}\n{r.UploadId}\n{r.Attempt.ToString(CultureInfo.InvariantCulture)}"
            : body;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..16];
    }
}
