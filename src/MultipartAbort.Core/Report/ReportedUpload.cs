namespace MultipartAbort.Core.Report;

public sealed record ReportedUpload(string Key, string UploadId, DateTimeOffset? Initiated, DateTimeOffset? NewestPart, int Parts, long Bytes, bool Active)
{
    public Coverage Coverage { get; init; } = Coverage.Unknown;

    // Null when ListMultipartUploads named no one.
    public Ports.UploadPrincipal? Initiator { get; init; }

    public Ports.UploadPrincipal? Owner { get; init; }

    // mpa report --uploads: one row or JSON object per upload, written as it is counted.
    public const string CsvHeader = "bucket,key,upload_id,initiated,newest_part,parts,bytes,active,coverage,covered_by,reaped_after,coverage_note,initiator_id,initiator_name,owner_id,owner_name";

    public string CsvRow(string bucket) =>
        ReportCsv.Line(
            [
                bucket, Key, UploadId, ReportCsv.Time(Initiated), ReportCsv.Time(NewestPart), ReportCsv.Number(Parts), ReportCsv.Number(Bytes), Active ? "true" : "false",
                Coverage.Name, Coverage.CoveredBy, ReportCsv.Time(Coverage.ReapedAfter), Coverage.Disagreement, Initiator?.Id, Initiator?.DisplayName, Owner?.Id, Owner?.DisplayName,
            ]
        );

    public string JsonLine(string bucket) => ResultJson.Text(json => ReportJson.WriteUpload(json, bucket, this));
}
