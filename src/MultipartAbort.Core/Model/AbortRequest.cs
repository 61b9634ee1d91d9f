namespace MultipartAbort.Core.Model;

/// <summary>
/// One upload to abort, with its retry state. A timer adds <see cref="NotBefore"/>; one without an upload id names
/// the key and <see cref="InitiatedAt"/>.
/// </summary>
public sealed record AbortRequest(string Bucket, string Key, string UploadId)
{
    /// <summary>How many times this request was re-queued already (0 for the first try).</summary>
    public int Attempt { get; init; }

    /// <summary>Why the request exists (the caller's text, or the last re-queue's reason).</summary>
    public string? Reason { get; init; }

    /// <summary>Passed through to the store as x-amz-expected-bucket-owner (COS ignores it).</summary>
    public string? ExpectedBucketOwner { get; init; }

    /// <summary>Passed through to the store as x-amz-request-payer (COS ignores it).</summary>
    public string? RequestPayer { get; init; }

    /// <summary>A timer: before this time the request is only passed on, with no store call.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>For a timer without an upload id: when the key's upload began; uploads initiated by then (plus skew) are aborted.</summary>
    public DateTimeOffset? InitiatedAt { get; init; }

    /// <summary>MIN_IDLE for a named abort (<c>"minIdle"</c>): leave the upload alone while recently active. Null: not checked.</summary>
    public TimeSpan? MinIdle { get; init; }

    /// <summary>True when the request names a key and a time rather than one upload.</summary>
    public bool NamesKeyOnly => UploadId.Length == 0;

    public override string ToString() =>
        NamesKeyOnly
            ? $"s3://{Bucket}/{Key} (uploads initiated by {InitiatedAt:O}, attempt {Attempt})"
            : $"s3://{Bucket}/{Key} (upload {UploadId}, attempt {Attempt})";
}
