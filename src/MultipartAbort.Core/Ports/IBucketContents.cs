namespace MultipartAbort.Core.Ports;

/// <summary>What besides uploads makes DeleteBucket fail: objects, object versions.</summary>
public interface IBucketContents
{
    // One key of each listing; throws when the object listing is refused.
    Task<BucketContents> ReadContentsAsync(string bucket, CancellationToken cancellationToken);
}

// VersionsRemain is null when the store would not say (no s3:ListBucketVersions or versioning API); versions include delete markers.
public sealed record BucketContents(bool ObjectsRemain, bool? VersionsRemain)
{
    public string? VersionsUnknownWhy { get; init; }
}
