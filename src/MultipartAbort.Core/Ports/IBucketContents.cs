namespace MultipartAbort.Core.Ports;

/// <summary>Whether a bucket still holds what makes DeleteBucket fail besides uploads: objects, object versions.</summary>
public interface IBucketContents
{
    /// <summary>One key of ListObjectsV2 and one of ListObjectVersions; throws <see cref="StoreException"/> when the object listing is refused.</summary>
    Task<BucketContents> ReadContentsAsync(string bucket, CancellationToken cancellationToken);
}

/// <summary>
/// What a bucket holds besides uploads. <see cref="VersionsRemain"/> is null when the store would not say (no
/// s3:ListBucketVersions, or no versioning API), with <see cref="VersionsUnknownWhy"/>; versions include delete markers.
/// </summary>
public sealed record BucketContents(bool ObjectsRemain, bool? VersionsRemain)
{
    public string? VersionsUnknownWhy { get; init; }
}
