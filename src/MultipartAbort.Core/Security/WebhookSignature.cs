using System.Security.Cryptography;

namespace MultipartAbort.Core.Security;

/// <summary>
/// X-Signature: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>, within a
/// tolerance, compared in constant time. No secret: every request fails.
/// </summary>
internal static class WebhookSignature
{
    public const string HeaderName = "X-Signature";

    // The reason never contains the secret.
    public static string? Verify(string? header, ReadOnlySpan<byte> rawBody, string? secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(secret))
            return "webhooks are disabled: WEBHOOK_SECRET is not configured";
        if (string.IsNullOrWhiteSpace(header))
            return $"the {HeaderName} header is missing";

        string? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
                continue;
            var name = part[..eq];
            var value = part[(eq + 1)..];
            if (name == "t")
                t = value;
            else if (name == "v1")
                signatures.Add(value);
        }
        if (t is null || signatures.Count == 0)
            return $"the {HeaderName} header must be t=<unix seconds>,v1=<hex HMAC-SHA256>";
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return $"the {HeaderName} timestamp t is not a number of seconds";
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - sentAt).Duration() > tolerance)
            return $"the {HeaderName} timestamp is outside the allowed skew of {tolerance.TotalSeconds:0} s";

        var expected = Compute(secret, t, rawBody);
        foreach (var candidate in signatures)
        {
            byte[] given;
            try
            {
                given = Convert.FromHexString(candidate);
            }
            catch (FormatException)
            {
                continue;
            }
            if (CryptographicOperations.FixedTimeEquals(given, expected))
                return null;
        }
        return $"the {HeaderName} signature does not match the body";
    }

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> rawBody)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Compute(secret, t, rawBody))}";
    }

    private static byte[] Compute(string secret, string t, ReadOnlySpan<byte> rawBody)
    {
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var message = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(message, 0);
        rawBody.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
