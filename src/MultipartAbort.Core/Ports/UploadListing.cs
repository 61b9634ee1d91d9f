namespace MultipartAbort.Core.Ports;

public sealed record UploadListing(string Bucket)
{
    public string? Prefix { get; init; }
    public string? KeyMarker { get; init; }
    public string? UploadIdMarker { get; init; }
    public int? MaxUploads { get; init; }
    public string? ExpectedBucketOwner { get; init; }
}
