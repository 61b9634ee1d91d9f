namespace MultipartAbort.Core.Ports;

/// <summary>A missing upload is <see cref="StoreStatus.NoSuchUpload"/>; all else throws <see cref="StoreException"/>.</summary>
public interface IObjectStore
{
    Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken);

    // Null when the upload does not exist.
    Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken);

    Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken);
}

public enum StoreStatus
{
    Ok,
    NoSuchUpload,
}

public sealed record UploadRef(string Bucket, string Key, string UploadId)
{
    public string? ExpectedBucketOwner { get; init; }
    public string? RequestPayer { get; init; }
}

public sealed record PartsPage(int PartCount, long Bytes, bool IsTruncated, int? NextPartNumberMarker)
{
    // Null when the page has no part or the server gives no dates.
    public DateTimeOffset? NewestPart { get; init; }

    // x-amz-abort-date, x-amz-abort-rule-id; null where the store does not say.
    public DateTimeOffset? AbortDate { get; init; }

    public string? AbortRuleId { get; init; }
}

public sealed record UploadListing(string Bucket)
{
    public string? Prefix { get; init; }
    public string? KeyMarker { get; init; }
    public string? UploadIdMarker { get; init; }
    public int? MaxUploads { get; init; }
    public string? ExpectedBucketOwner { get; init; }
}

public sealed record UploadsPage(IReadOnlyList<ListedUpload> Uploads, bool IsTruncated, string? NextKeyMarker, string? NextUploadIdMarker);

public sealed record ListedUpload(string Key, string UploadId, DateTimeOffset? Initiated)
{
    // Null when the store gave none.
    public UploadPrincipal? Initiator { get; init; }

    public UploadPrincipal? Owner { get; init; }
}

public sealed record UploadPrincipal(string? Id, string? DisplayName);

/// <summary>A store call failed for a reason other than a missing upload.</summary>
public sealed class StoreException(string operation, string message, bool isTransient, string? errorCode = null, Exception? inner = null)
    : Exception($"{operation} failed: {message}", inner)
{
    public string Operation { get; } = operation;

    public string? ErrorCode { get; } = errorCode;

    // False for errors a retry cannot fix (access denied, no such bucket, invalid request).
    public bool IsTransient { get; } = isTransient;

    // A typo, a wrong endpoint or region: never a clean upload.
    public bool IsBucketMissing => ErrorCode == "NoSuchBucket";

    // Refused for load or timed out: send less at once; retrying later is safe.
    public bool IsThrottling => IsTransient && IsThrottlingCode(ErrorCode);

    public static bool IsThrottlingCode(string? errorCode) =>
        errorCode is "SlowDown" or "Throttling" or "ThrottlingException" or "ThrottledException" or "RequestLimitExceeded" or "TooManyRequests"
            or "TooManyRequestsException" or "RequestThrottled" or "ServiceUnavailable" or "RequestTimeout";
}

/// <summary>The buckets the credentials can list (ListBuckets, every page).</summary>
public interface IBucketDirectory
{
    Task<IReadOnlyList<string>> ListBucketsAsync(CancellationToken cancellationToken);
}

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

/// <summary>Writes one private object (the report's page).</summary>
public interface IObjectWriter
{
    Task PutObjectAsync(string bucket, string key, byte[] body, string contentType, CancellationToken cancellationToken);
}
