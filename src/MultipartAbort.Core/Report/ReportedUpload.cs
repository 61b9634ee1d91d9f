namespace MultipartAbort.Core.Report;

/// <summary>One upload as a report names it (the largest and the oldest of a bucket).</summary>
public sealed record ReportedUpload(string Key, string UploadId, DateTimeOffset? Initiated, DateTimeOffset? NewestPart, int Parts, long Bytes, bool Active);
