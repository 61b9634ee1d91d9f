namespace MultipartAbort.Core.Serialization;

/// <summary><c>mpa report --json</c> and a report event's <c>summary.report</c> (docs/cli.md).</summary>
internal static class ReportJson
{
    public static string Text(IncompleteUploadReport report, bool indented = false) =>
        ResultJson.Text(
            json =>
            {
                json.WriteStartObject();
                json.WritePropertyName("report");
                Write(json, report);
                json.WriteEndObject();
            },
            indented
        );

    public static void Write(Utf8JsonWriter json, IncompleteUploadReport report)
    {
        json.WriteStartObject();
        json.WriteString("at", Rfc3339.Format(report.At));
        json.WriteString("minIdle", IsoDuration.Format(report.MinIdle));
        json.WriteNumber("depth", report.Depth);
        json.WriteNumber("pricePerGbMonth", report.PricePerGbMonth);
        json.WriteString("price", report.PriceName);
        json.WriteBoolean("complete", report.Complete);
        json.WritePropertyName("totals");
        json.WriteStartObject();
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
            if (bucket.Error is not null)
                json.WriteString("error", bucket.Error);
            json.WriteBoolean("complete", bucket.Complete);
            if (bucket.LifecycleError is not null)
                json.WriteString("lifecycleError", bucket.LifecycleError);
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
            json.WriteStartArray("ids");
            foreach (var id in group.Ids)
                json.WriteStringValue(id);
            json.WriteEndArray();
            json.WriteStartArray("displayNames");
            foreach (var name in group.DisplayNames)
                json.WriteStringValue(name);
            json.WriteEndArray();
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
        if (principal.Id is { } id)
            json.WriteString("id", id);
        if (principal.DisplayName is { } display)
            json.WriteString("displayName", display);
        json.WriteEndObject();
    }

    private static void WriteBreakdown(Utf8JsonWriter json, Breakdown cell, IncompleteUploadReport report)
    {
        WriteFigures(json, cell.Total, report);
        json.WriteStartObject("ages");
        foreach (var band in AgeBands.All)
            if (band != AgeBand.Unknown || cell.Bands[(int)band].Uploads > 0)
                WriteNamed(json, band.Name(), cell.Bands[(int)band], report);
        json.WriteEndObject();
        // The last two only when some upload is in them.
        var named = new[] { ("active", cell.Active, true), ("idle", cell.Idle, true), ("covered", cell.Covered, true), ("notCovered", cell.NotCovered, true), ("coverageUnknown", cell.CoverageUnknown, false), ("reapedByStore", cell.ReapedByStore, false) };
        foreach (var (name, figures, always) in named)
            if (always || figures.Uploads > 0)
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
        if (bucket is not null)
            json.WriteString("bucket", bucket);
        json.WriteString("key", u.Key);
        json.WriteString("uploadId", u.UploadId);
        if (u.Initiated is { } initiated)
            json.WriteString("initiated", Rfc3339.Format(initiated));
        if (u.NewestPart is { } newest)
            json.WriteString("newestPart", Rfc3339.Format(newest));
        json.WriteNumber("parts", u.Parts);
        json.WriteNumber("bytes", u.Bytes);
        json.WriteBoolean("active", u.Active);
        json.WriteString("coverage", u.Coverage.Name);
        if (u.Coverage.CoveredBy is { } rule)
            json.WriteString("coveredBy", rule);
        if (u.Coverage.ReapedAfter is { } reaped)
            json.WriteString("reapedAfter", Rfc3339.Format(reaped));
        if (u.Coverage.Disagreement is { } note)
            json.WriteString("coverageNote", note);
        WritePrincipal(json, "initiator", u.Initiator);
        WritePrincipal(json, "owner", u.Owner);
        json.WriteEndObject();
    }

    public static string Line(string bucket, ReportedUpload upload) => ResultJson.Text(json => WriteUpload(json, bucket, upload));

    public static long AgeSeconds(IncompleteUploadReport report, DateTimeOffset oldest) => Math.Max(0, (long)(report.At - oldest).TotalSeconds);
}
