namespace MultipartAbort.Core.Serialization;

/// <summary><c>mpa report --json</c> and a report event's <c>summary.report</c> (docs/cli.md).</summary>
internal static class ReportJson
{
    public static string Text(IncompleteUploadReport report, bool indented = false) =>
        ResultJson.Text(
            json =>
            {
                json.WriteStartObject();
                Write(json, report, "report");
                json.WriteEndObject();
            },
            indented
        );

    public static void Write(Utf8JsonWriter json, IncompleteUploadReport report, string name)
    {
        json.WriteStartObject(name);
        json.WriteString("at", Rfc3339.Format(report.At));
        json.WriteString("minIdle", IsoDuration.Format(report.MinIdle));
        json.WriteNumber("depth", report.Depth);
        json.WriteNumber("pricePerGbMonth", report.PricePerGbMonth);
        json.WriteString("price", report.PriceName);
        json.WriteBoolean("complete", report.Complete);
        json.WriteStartObject("totals");
        WriteBreakdown(json, report.Totals, report);
        json.WriteEndObject();
        if (report.By != ReportBy.None)
        {
            json.WriteString("by", report.By.Name());
            WriteGroups(json, report.Groups, report);
        }
        json.WriteStartArray("buckets");
        foreach (var bucket in report.Buckets)
        {
            json.WriteStartObject();
            json.WriteString("bucket", bucket.Bucket);
            json.WriteIf("error", bucket.Error);
            json.WriteBoolean("complete", bucket.Complete);
            json.WriteIf("lifecycleError", bucket.LifecycleError);
            WriteBreakdown(json, bucket.Overall, report);
            if (bucket.Disagreements > 0)
                json.WriteNumber("coverageDisagreements", bucket.Disagreements);
            if (bucket.Vanished > 0)
                json.WriteNumber("vanished", bucket.Vanished);
            if (bucket.Unreadable > 0)
                json.WriteNumber("unreadable", bucket.Unreadable);
            if (report.Depth > 0)
            {
                json.WriteStartArray("prefixes");
                foreach (var (prefix, cell) in bucket.Prefixes)
                {
                    json.WriteStartObject();
                    json.WriteString("prefix", prefix);
                    WriteBreakdown(json, cell, report);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (report.By != ReportBy.None)
                WriteGroups(json, report.GroupsOf(bucket), report);
            WriteUploads(json, "largest", bucket.Largest);
            WriteUploads(json, "oldestUploads", bucket.Oldest);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    // Ids as the store gave them (a session ARN as it was).
    private static void WriteGroups(Utf8JsonWriter json, IReadOnlyList<ShowbackGroup> groups, IncompleteUploadReport report)
    {
        json.WriteStartArray("groups");
        foreach (var group in groups)
        {
            json.WriteStartObject();
            json.WriteString("group", group.Name);
            ResultJson.WriteStrings(json, "ids", group.Ids);
            ResultJson.WriteStrings(json, "displayNames", group.DisplayNames);
            WriteBreakdown(json, group.Figures, report);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WritePrincipal(Utf8JsonWriter json, string name, Ports.UploadPrincipal? principal)
    {
        if (principal is null)
            return;
        json.WriteStartObject(name);
        json.WriteIf("id", principal.Id);
        json.WriteIf("displayName", principal.DisplayName);
        json.WriteEndObject();
    }

    private static void WriteBreakdown(Utf8JsonWriter json, Breakdown cell, IncompleteUploadReport report)
    {
        WriteFigures(json, cell.Total, report);
        json.WriteStartObject("ages");
        foreach (var (band, figures) in cell.Ages)
            WriteNamed(json, band.Name(), figures, report);
        json.WriteEndObject();
        foreach (var (name, figures) in cell.Named)
            WriteNamed(json, name, figures, report);
    }

    private static void WriteNamed(Utf8JsonWriter json, string name, UploadFigures figures, IncompleteUploadReport report)
    {
        json.WriteStartObject(name);
        WriteFigures(json, figures, report);
        json.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter json, UploadFigures figures, IncompleteUploadReport report)
    {
        json.WriteNumber("uploads", figures.Uploads);
        json.WriteNumber("parts", figures.Parts);
        json.WriteNumber("bytes", figures.Bytes);
        json.WriteNumber("estimatedMonthlyCost", figures.MonthlyCost(report.PricePerGbMonth));
        if (figures.Oldest is { } oldest)
        {
            json.WriteString("oldest", Rfc3339.Format(oldest));
            json.WriteNumber("oldestAgeSeconds", AgeSeconds(report, oldest));
        }
    }

    private static void WriteUploads(Utf8JsonWriter json, string name, IReadOnlyList<ReportedUpload> uploads)
    {
        json.WriteStartArray(name);
        foreach (var u in uploads)
            WriteUpload(json, null, u);
        json.WriteEndArray();
    }

    public static void WriteUpload(Utf8JsonWriter json, string? bucket, ReportedUpload u)
    {
        json.WriteStartObject();
        json.WriteIf("bucket", bucket);
        json.WriteString("key", u.Key);
        json.WriteString("uploadId", u.UploadId);
        json.WriteIf("initiated", u.Initiated);
        json.WriteIf("newestPart", u.NewestPart);
        json.WriteNumber("parts", u.Parts);
        json.WriteNumber("bytes", u.Bytes);
        json.WriteBoolean("active", u.Active);
        json.WriteString("coverage", u.Coverage.Name);
        json.WriteIf("coveredBy", u.Coverage.CoveredBy);
        json.WriteIf("reapedAfter", u.Coverage.ReapedAfter);
        json.WriteIf("coverageNote", u.Coverage.Disagreement);
        WritePrincipal(json, "initiator", u.Initiator);
        WritePrincipal(json, "owner", u.Owner);
        json.WriteEndObject();
    }

    public static long AgeSeconds(IncompleteUploadReport report, DateTimeOffset oldest) => Math.Max(0, (long)(report.At - oldest).TotalSeconds);
}
