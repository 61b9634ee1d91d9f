namespace MultipartAbort.Core.Events;

/// <summary>An upload began, per an audit event; <see cref="UploadId"/> is null when the event does not carry it.</summary>
internal sealed record UploadStart(string Bucket, string Key, string? UploadId, DateTimeOffset Initiated, string Source);
