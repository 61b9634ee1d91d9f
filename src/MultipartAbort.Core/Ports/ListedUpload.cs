namespace MultipartAbort.Core.Ports;

public sealed record ListedUpload(string Key, string UploadId, DateTimeOffset? Initiated);
