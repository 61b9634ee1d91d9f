namespace MultipartAbort.Core.Events;

// UploadId is null when the audit event does not carry it.
internal sealed record UploadStart(string Bucket, string Key, string? UploadId, DateTimeOffset Initiated, string Source);
