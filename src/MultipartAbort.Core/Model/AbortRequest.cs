namespace MultipartAbort.Core.Model;

/// <summary>One multipart upload to abort, as named by an event, with its retry state.</summary>
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

    public override string ToString() => $"s3://{Bucket}/{Key} (upload {UploadId}, attempt {Attempt})";
}
