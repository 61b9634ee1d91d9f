namespace MultipartAbort.Core.Report;

// RFC 4180; with --by, rows at level initiator/owner carry the group in a last column.
internal static class ReportCsv
{
    public const string Header = "bucket,level,prefix,group,uploads,parts,bytes,estimated_monthly_cost,oldest,oldest_age_seconds,error";

    // The principal column only with --by, so the columns without it stay as they were.
    public static string Text(IncompleteUploadReport report)
    {
        var text = new StringBuilder(Header).Append(report.By != ReportBy.None ? ",principal\r\n" : "\r\n");
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

    // The error only on a cell's "all" row; the principal only with --by.
    private static void Rows(StringBuilder text, IncompleteUploadReport report, string bucket, string level, string prefix, Breakdown cell, string? error, string principal = "")
    {
        (string, UploadFigures)[] rows = [("all", cell.Total), .. cell.Ages.Select(a => ($"age:{a.Band.Name()}", a.Figures)), .. cell.Named.Select(n => (JsonNamingPolicy.KebabCaseLower.ConvertName(n.Name), n.Figures))];
        foreach (var (group, f) in rows)
        {
            var age = f.Oldest is { } at ? Number(ReportJson.AgeSeconds(report, at)) : "";
            var cost = f.MonthlyCost(report.PricePerGbMonth).ToString(CultureInfo.InvariantCulture);
            string?[] fields = [bucket, level, prefix, group, Number(f.Uploads), Number(f.Parts), Number(f.Bytes), cost, Time(f.Oldest), age, group == "all" ? error : null];
            text.Append(Line(report.By == ReportBy.None ? fields : [.. fields, principal]));
        }
    }

    public static string Line(string?[] fields) => string.Join(',', fields.Select(f => Field(f ?? ""))) + "\r\n";

    public static string Time(DateTimeOffset? at) => at is { } t ? Rfc3339.Format(t) : "";

    public static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);

    // Keys may hold commas, quotes and line breaks.
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
