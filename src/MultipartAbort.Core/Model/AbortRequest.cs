namespace MultipartAbort.Core.Model;

/// <summary>One upload to abort, with its retry state; a timer adds NotBefore (and without an upload id, InitiatedAt).</summary>
public sealed record AbortRequest(string Bucket, string Key, string UploadId)
{
    public int Attempt { get; init; }

    public string? Reason { get; init; }

    // COS ignores it.
    public string? ExpectedBucketOwner { get; init; }

    public string? RequestPayer { get; init; }

    // Before this the request is only passed on, with no store call.
    public DateTimeOffset? NotBefore { get; init; }

    public DateTimeOffset? InitiatedAt { get; init; }

    // Null: not checked.
    public TimeSpan? MinIdle { get; init; }

    public bool NamesKeyOnly => UploadId.Length == 0;

    public override string ToString() =>
        NamesKeyOnly
            ? $"s3://{Bucket}/{Key} (uploads initiated by {InitiatedAt:O}, attempt {Attempt})"
            : $"s3://{Bucket}/{Key} (upload {UploadId}, attempt {Attempt})";
}
