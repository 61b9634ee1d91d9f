namespace MultipartAbort.Core.Security;

/// <summary>Nobody may call unsigned unless CLOUDEVENTS_TRUSTED says the host is private; else <c>X-Signature</c> is checked.</summary>
internal static class CallerTrust
{
    // Null when the request may run; the reason never contains the secret.
    public static string? Refusal(Settings settings, string? signatureHeader, ReadOnlySpan<byte> rawBody, DateTimeOffset now)
    {
        if (settings.CloudEventsTrusted)
            return null;
        var problem = WebhookSignature.Verify(signatureHeader, rawBody, settings.WebhookSecret?.Reveal(), now, settings.WebhookTolerance);
        return problem is null ? null : $"{problem} (unsigned requests are accepted only when the app is private and {EnvironmentVariables.CloudEventsTrusted}=true)";
    }
}
