namespace MultipartAbort.Core.Ports;

public sealed record UploadsPage(IReadOnlyList<ListedUpload> Uploads, bool IsTruncated, string? NextKeyMarker, string? NextUploadIdMarker);
