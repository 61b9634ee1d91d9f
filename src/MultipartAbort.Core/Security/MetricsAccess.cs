using System.Security.Cryptography;

namespace MultipartAbort.Core.Security;

/// <summary><c>/metrics</c> names buckets: METRICS_TOKEN's holder reads it; without one, anyone on a trusted host only.</summary>
internal static class MetricsAccess
{
    public const string Scheme = "Bearer";

    // The reason never contains the token.
    public static string? Refusal(Settings settings, string? authorizationHeader)
    {
        if (settings.MetricsToken is not { } token)
            return settings.CloudEventsTrusted
                ? null
                : $"metrics are closed: {EnvironmentVariables.MetricsToken} is not configured (set it and scrape with Authorization: Bearer <token>, "
                    + $"or set {EnvironmentVariables.CloudEventsTrusted}=true where only the project reaches the app)";
        if (string.IsNullOrEmpty(authorizationHeader)
            || !authorizationHeader.StartsWith(Scheme + " ", StringComparison.OrdinalIgnoreCase))
            return $"metrics need Authorization: {Scheme} <{EnvironmentVariables.MetricsToken}>";
        // Hashing both sides first makes the comparison constant-time in the token's length too.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[(Scheme.Length + 1)..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token.Reveal()));
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : $"the {Scheme} token does not match {EnvironmentVariables.MetricsToken}";
    }
}
