namespace MultipartAbort.Core.Report;

public sealed record ReportedUpload(string Key, string UploadId, DateTimeOffset? Initiated, DateTimeOffset? NewestPart, int Parts, long Bytes, bool Active)
{
    public Coverage Coverage { get; init; } = Coverage.Unknown;

    // Null when ListMultipartUploads named no one.
    public Ports.UploadPrincipal? Initiator { get; init; }

    public Ports.UploadPrincipal? Owner { get; init; }

    // mpa report --uploads: one row or JSON object per upload, written as it is counted.
    public const string CsvHeader = ReportCsv.UploadsHeader;

    public string CsvRow(string bucket) => ReportCsv.UploadRow(bucket, this);

    public string JsonLine(string bucket) => Serialization.ReportJson.Line(bucket, this);
}
