namespace MultipartAbort.Core.Ports;

/// <summary>
/// The three store calls the workflow makes. Implementations map "the upload does not exist"
/// to <see cref="StoreStatus.NoSuchUpload"/> and throw <see cref="StoreException"/> for everything else.
/// </summary>
public interface IObjectStore
{
    Task<StoreStatus> AbortAsync(UploadRef upload, CancellationToken cancellationToken);

    /// <summary>One page of ListParts, after <paramref name="partNumberMarker"/>; null when the upload does not exist.</summary>
    Task<PartsPage?> ListPartsAsync(UploadRef upload, int? partNumberMarker, CancellationToken cancellationToken);

    /// <summary>One page of ListMultipartUploads, in key then upload-id order.</summary>
    Task<UploadsPage> ListUploadsAsync(UploadListing listing, CancellationToken cancellationToken);
}

/// <summary>Names one upload, with the pass-through headers of its request.</summary>
public sealed record UploadRef(string Bucket, string Key, string UploadId)
{
    public string? ExpectedBucketOwner { get; init; }
    public string? RequestPayer { get; init; }
}

public enum StoreStatus
{
    Ok,
    NoSuchUpload,
}

public sealed record PartsPage(int PartCount, long Bytes, bool IsTruncated, int? NextPartNumberMarker);

public sealed record UploadListing(string Bucket)
{
    public string? Prefix { get; init; }
    public string? KeyMarker { get; init; }
    public string? UploadIdMarker { get; init; }
    public int? MaxUploads { get; init; }
    public string? ExpectedBucketOwner { get; init; }
}

public sealed record ListedUpload(string Key, string UploadId, DateTimeOffset? Initiated);

public sealed record UploadsPage(IReadOnlyList<ListedUpload> Uploads, bool IsTruncated, string? NextKeyMarker, string? NextUploadIdMarker);

/// <summary>A store call failed for a reason other than a missing upload.</summary>
public sealed class StoreException(string operation, string message, bool isTransient, string? errorCode = null, Exception? inner = null)
    : Exception($"{operation} failed: {message}", inner)
{
    public string Operation { get; } = operation;

    /// <summary>The S3 error code when the server gave one (AccessDenied, NoSuchBucket, SlowDown...).</summary>
    public string? ErrorCode { get; } = errorCode;

    /// <summary>False for errors a retry cannot fix (access denied, no such bucket, invalid request).</summary>
    public bool IsTransient { get; } = isTransient;
}
