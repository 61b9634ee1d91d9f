namespace MultipartAbort.Adapters.Iam;

// Times on this process's clock.
internal sealed record IamToken(string Value, DateTimeOffset ObtainedAt, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt)
{
    // The value is a credential: records print their members, this one must not.
    public override string ToString() => $"IAM token obtained {ObtainedAt:O}, expiring {ExpiresAt:O}";
}
