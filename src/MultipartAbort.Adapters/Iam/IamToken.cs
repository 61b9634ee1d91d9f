namespace MultipartAbort.Adapters.Iam;

/// <summary>A bearer token and the times, on this process's clock, when it is to be refreshed and when it expires.</summary>
internal sealed record IamToken(string Value, DateTimeOffset ObtainedAt, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt)
{
    // The value is a credential: records print their members, this one must not.
    public override string ToString() => $"IAM token obtained {ObtainedAt:O}, expiring {ExpiresAt:O}";
}
