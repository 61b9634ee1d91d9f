namespace MultipartAbort.Core.Report;

/// <summary>One upload as a report names it (each row of <c>mpa report --uploads</c>, the largest and the oldest of a bucket).</summary>
public sealed record ReportedUpload(string Key, string UploadId, DateTimeOffset? Initiated, DateTimeOffset? NewestPart, int Parts, long Bytes, bool Active)
{
    /// <summary>Whether a lifecycle rule will abort it, which, and when.</summary>
    public Coverage Coverage { get; init; } = Coverage.Unknown;

    /// <summary>Who started the upload, as ListMultipartUploads said; null when it named no one.</summary>
    public Ports.UploadPrincipal? Initiator { get; init; }

    /// <summary>Who owns the upload, as ListMultipartUploads said; null when it named no one.</summary>
    public Ports.UploadPrincipal? Owner { get; init; }
}
