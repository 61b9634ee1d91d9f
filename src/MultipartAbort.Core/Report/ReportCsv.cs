namespace MultipartAbort.Core.Report;

// RFC 4180; with --by, rows at level initiator/owner carry the group in a last column.
internal static class ReportCsv
{
    public const string Header = "bucket,level,prefix,group,uploads,parts,bytes,estimated_monthly_cost,oldest,oldest_age_seconds,error";

    /// <summary>Only with --by, so the columns without it stay as they were.</summary>
    public const string PrincipalColumn = "principal";

    public static string Text(IncompleteUploadReport report)
    {
        var text = new StringBuilder(Header);
        if (report.By != ReportBy.None)
            text.Append(',').Append(PrincipalColumn);
        text.Append("\r\n");
        foreach (var bucket in report.Buckets)
        {
            Rows(text, report, bucket.Bucket, "bucket", "", bucket.Overall, bucket.Error);
            foreach (var (prefix, cell) in bucket.Prefixes)
                Rows(text, report, bucket.Bucket, "prefix", prefix, cell, null);
            foreach (var group in report.GroupsOf(bucket))
                Rows(text, report, bucket.Bucket, report.By.Name(), "", group.Figures, null, group.Name);
        }
        return text.ToString();
    }

    private static void Rows(StringBuilder text, IncompleteUploadReport report, string bucket, string level, string prefix, Breakdown cell, string? error, string principal = "")
    {
        Row(text, report, bucket, level, prefix, "all", cell.Total, error, principal);
        foreach (var band in AgeBands.All)
            if (band != AgeBand.Unknown || cell.Bands[(int)band].Uploads > 0)
                Row(text, report, bucket, level, prefix, $"age:{band.Name()}", cell.Bands[(int)band], null, principal);
        Row(text, report, bucket, level, prefix, "active", cell.Active, null, principal);
        Row(text, report, bucket, level, prefix, "idle", cell.Idle, null, principal);
        Row(text, report, bucket, level, prefix, "covered", cell.Covered, null, principal);
        Row(text, report, bucket, level, prefix, "not-covered", cell.NotCovered, null, principal);
        if (cell.CoverageUnknown.Uploads > 0)
            Row(text, report, bucket, level, prefix, "coverage-unknown", cell.CoverageUnknown, null, principal);
        if (cell.ReapedByStore.Uploads > 0)
            Row(text, report, bucket, level, prefix, "reaped-by-store", cell.ReapedByStore, null, principal);
    }

    public const string UploadsHeader = "bucket,key,upload_id,initiated,newest_part,parts,bytes,active,coverage,covered_by,reaped_after,coverage_note,initiator_id,initiator_name,owner_id,owner_name";

    public static string UploadRow(string bucket, ReportedUpload u)
    {
        var c = CultureInfo.InvariantCulture;
        return string.Join(
            ',',
            Field(bucket), Field(u.Key), Field(u.UploadId), u.Initiated is { } i ? Rfc3339.Format(i) : "", u.NewestPart is { } n ? Rfc3339.Format(n) : "",
            u.Parts.ToString(c), u.Bytes.ToString(c), u.Active ? "true" : "false", u.Coverage.Name, Field(u.Coverage.CoveredBy ?? ""),
            u.Coverage.ReapedAfter is { } r ? Rfc3339.Format(r) : "", Field(u.Coverage.Disagreement ?? ""),
            Field(u.Initiator?.Id ?? ""), Field(u.Initiator?.DisplayName ?? ""), Field(u.Owner?.Id ?? ""), Field(u.Owner?.DisplayName ?? "")
        ) + "\r\n";
    }

    private static void Row(StringBuilder text, IncompleteUploadReport report, string bucket, string level, string prefix, string group, UploadFigures f, string? error, string principal)
    {
        var c = CultureInfo.InvariantCulture;
        text.Append(Field(bucket)).Append(',').Append(level).Append(',').Append(Field(prefix)).Append(',').Append(Field(group)).Append(',')
            .Append(f.Uploads.ToString(c)).Append(',').Append(f.Parts.ToString(c)).Append(',').Append(f.Bytes.ToString(c)).Append(',')
            .Append(f.MonthlyCost(report.PricePerGbMonth).ToString(c)).Append(',')
            .Append(f.Oldest is { } o ? Rfc3339.Format(o) : "").Append(',')
            .Append(f.Oldest is { } at ? ReportJson.AgeSeconds(report, at).ToString(c) : "").Append(',')
            .Append(Field(error ?? ""));
        if (report.By != ReportBy.None)
            text.Append(',').Append(Field(principal));
        text.Append("\r\n");
    }

    // Keys may hold commas, quotes and line breaks.
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
