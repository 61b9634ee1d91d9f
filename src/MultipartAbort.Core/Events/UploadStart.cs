namespace MultipartAbort.Core.Events;

/// <summary>
/// An upload began, as an audit event reports it: CloudTrail's <c>CreateMultipartUpload</c> or Activity Tracker's
/// <c>cloud-object-storage.object-multipart.start</c>. <see cref="UploadId"/> is null when the event does not carry it.
/// </summary>
public sealed record UploadStart(string Bucket, string Key, string? UploadId, DateTimeOffset Initiated, string Source);
