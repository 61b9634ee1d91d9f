namespace MultipartAbort.Core.Model;

/// <summary>
/// One multipart upload to abort, as named by an event, with its retry state. A timer (upload TTL) adds
/// <see cref="NotBefore"/>; a timer armed without an upload id names the key and <see cref="InitiatedAt"/> instead,
/// with <see cref="UploadId"/> empty.
/// </summary>
public sealed record AbortRequest(string Bucket, string Key, string UploadId)
{
    /// <summary>How many times this request was re-queued already (0 for the first try).</summary>
    public int Attempt { get; init; }

    /// <summary>Why the request exists (free text from the caller, or the reason of the last re-queue).</summary>
    public string? Reason { get; init; }

    /// <summary>Passed through to the store as x-amz-expected-bucket-owner (COS ignores it).</summary>
    public string? ExpectedBucketOwner { get; init; }

    /// <summary>Passed through to the store as x-amz-request-payer (COS ignores it).</summary>
    public string? RequestPayer { get; init; }

    /// <summary>A timer: before this time the request is only passed on through the retry queue, with no store call.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>
    /// For a timer without an upload id: when the upload of <see cref="Key"/> began (the arming event's time). When due,
    /// the uploads of exactly this key initiated no later than this (plus a small skew) are aborted.
    /// </summary>
    public DateTimeOffset? InitiatedAt { get; init; }

    /// <summary>
    /// Leave the upload alone while a part landed (or, with none, it began) less than this long ago: what a sweep and a
    /// timer do with MIN_IDLE, asked for by the caller of a named abort (<c>"minIdle"</c>). Null: not checked.
    /// </summary>
    public TimeSpan? MinIdle { get; init; }

    /// <summary>True when the request names a key and a time rather than one upload (a timer armed without an upload id).</summary>
    public bool NamesKeyOnly => UploadId.Length == 0;

    public override string ToString() =>
        NamesKeyOnly
            ? $"s3://{Bucket}/{Key} (uploads initiated by {InitiatedAt:O}, attempt {Attempt})"
            : $"s3://{Bucket}/{Key} (upload {UploadId}, attempt {Attempt})";
}
