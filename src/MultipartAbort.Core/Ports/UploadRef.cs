namespace MultipartAbort.Core.Ports;

public sealed record UploadRef(string Bucket, string Key, string UploadId)
{
    public string? ExpectedBucketOwner { get; init; }
    public string? RequestPayer { get; init; }
}
