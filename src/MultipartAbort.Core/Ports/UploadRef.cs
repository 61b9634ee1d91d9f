namespace MultipartAbort.Core.Ports;

/// <summary>Names one upload, with the pass-through headers of its request.</summary>
public sealed record UploadRef(string Bucket, string Key, string UploadId)
{
    public string? ExpectedBucketOwner { get; init; }
    public string? RequestPayer { get; init; }
}
