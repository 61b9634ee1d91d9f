namespace MultipartAbort.Core.Configuration;

/// <summary>HMAC keys, an IBM IAM API key, or the default AWS chain.</summary>
public sealed record StoreCredentials(CredentialKind Kind, string? AccessKeyId, Secret? SecretValue)
{
    public static StoreCredentials DefaultChain { get; } = new(CredentialKind.DefaultChain, null, null);

    public static StoreCredentials Hmac(string accessKeyId, Secret secretAccessKey) => new(CredentialKind.Hmac, accessKeyId, secretAccessKey);

    public static StoreCredentials IbmApiKey(Secret apiKey) => new(CredentialKind.IbmApiKey, null, apiKey);

    public override string ToString() => Kind switch
    {
        CredentialKind.Hmac => $"HMAC key {AccessKeyId}",
        CredentialKind.IbmApiKey => "IBM IAM API key",
        _ => "default AWS credential chain",
    };
}

public enum CredentialKind
{
    DefaultChain,
    Hmac,
    IbmApiKey,
}

/// <summary>A secret that never prints itself: ToString, logs and serialisers see "***".</summary>
public sealed class Secret(string value)
{
    public string Reveal() => value;

    public override string ToString() => "***";
}
