namespace MultipartAbort.Adapters.Iam;

internal sealed class IamTokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    /// <summary>3600 on IBM Cloud.</summary>
    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; set; }

    /// <summary>Unix seconds of IAM's clock.</summary>
    [JsonPropertyName("expiration")]
    public long? Expiration { get; set; }

    [JsonPropertyName("errorCode")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("errorMessage")]
    public string? ErrorMessage { get; set; }
}
