namespace MultipartAbort.Core.Configuration;

public enum CredentialKind
{
    DefaultChain,
    Hmac,
    IbmApiKey,
}
