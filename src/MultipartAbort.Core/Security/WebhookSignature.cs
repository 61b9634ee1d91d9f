using System.Buffers;
using System.Security.Cryptography;

namespace MultipartAbort.Core.Security;

/// <summary>X-Signature: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>, within a tolerance, in constant time; no secret fails all.</summary>
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

        var parts = header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p is [{ Length: > 0 }, _]).ToArray();
        var t = parts.LastOrDefault(p => p[0] == "t")?[1];
        var signatures = parts.Where(p => p[0] == "v1").Select(p => p[1]).ToArray();
        if (t is null || signatures.Length == 0)
            return $"the {HeaderName} header must be t=<unix seconds>,v1=<hex HMAC-SHA256>";
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return $"the {HeaderName} timestamp t is not a number of seconds";
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - sentAt).Duration() > tolerance)
            return $"the {HeaderName} timestamp is outside the allowed skew of {tolerance.TotalSeconds:0} s";

        var expected = Compute(secret, t, rawBody);
        var given = new byte[expected.Length];
        // Hex of another length never matches; the comparison itself is constant-time.
        return signatures.Any(s => s.Length == 2 * given.Length && Convert.FromHexString(s, given, out _, out _) == OperationStatus.Done && CryptographicOperations.FixedTimeEquals(given, expected))
            ? null
            : $"the {HeaderName} signature does not match the body";
    }

    // Nobody may call unsigned unless CLOUDEVENTS_TRUSTED says the host is private; the reason never contains the secret.
    public static string? CallerRefusal(Settings settings, string? signatureHeader, ReadOnlySpan<byte> rawBody, DateTimeOffset now) =>
        settings.CloudEventsTrusted || Verify(signatureHeader, rawBody, settings.WebhookSecret?.Reveal(), now, settings.WebhookTolerance) is not { } problem
            ? null
            : $"{problem} (unsigned requests are accepted only when the app is private and {EnvironmentVariables.CloudEventsTrusted}=true)";

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> rawBody)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Compute(secret, t, rawBody))}";
    }

    private static byte[] Compute(string secret, string t, ReadOnlySpan<byte> rawBody) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret).AsSpan(), [.. Encoding.UTF8.GetBytes(t + "."), .. rawBody]);
}
