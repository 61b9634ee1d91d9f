namespace MultipartAbort.Core.Report;

public sealed record ReportedUpload(string Key, string UploadId, DateTimeOffset? Initiated, DateTimeOffset? NewestPart, int Parts, long Bytes, bool Active)
{
    public Coverage Coverage { get; init; } = Coverage.Unknown;

    // Null when ListMultipartUploads named no one.
    public Ports.UploadPrincipal? Initiator { get; init; }

    public Ports.UploadPrincipal? Owner { get; init; }
}
