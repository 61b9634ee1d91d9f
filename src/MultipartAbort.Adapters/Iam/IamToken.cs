namespace MultipartAbort.Adapters.Iam;

/// <summary>A bearer token and when, on this process's clock, to refresh it and when it expires.</summary>
internal sealed record IamToken(string Value, DateTimeOffset ObtainedAt, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt)
{
    // The value is a credential: records print their members, this one must not.
    public override string ToString() => $"IAM token obtained {ObtainedAt:O}, expiring {ExpiresAt:O}";
}
