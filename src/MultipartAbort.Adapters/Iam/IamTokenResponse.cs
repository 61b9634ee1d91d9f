using System.Text.Json.Serialization;

namespace MultipartAbort.Adapters.Iam;

/// <summary>IAM's answer to <c>POST /identity/token</c> (only the fields read here).</summary>
internal sealed class IamTokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    /// <summary>Seconds the token lives (3600 on IBM Cloud).</summary>
    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; set; }

    /// <summary>When the token expires, in Unix seconds of IAM's clock.</summary>
    [JsonPropertyName("expiration")]
    public long? Expiration { get; set; }

    [JsonPropertyName("errorCode")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("errorMessage")]
    public string? ErrorMessage { get; set; }
}
